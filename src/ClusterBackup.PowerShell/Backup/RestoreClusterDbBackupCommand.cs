using System.Management.Automation;
using ClusterBackup.Engine.Backup;
using ClusterBackup.Engine.Catalog;
using ClusterBackup.Engine.Common;
using ClusterBackup.PowerShell.Completion;

namespace ClusterBackup.PowerShell.Backup;

/// <summary>
/// <para type="synopsis">Restores a database's backups into a new location, up to a point in time.</para>
/// <para type="description">Picks the latest full backup that finished before -PointInTime, the latest differential based on
/// it that also finished before it (SQL Server), and the log backups after them up to the first that reaches that time,
/// checks every file's SHA-256 against the catalog, and restores the chain into a new location: for PostgreSQL a new data
/// directory, recovered to the point in time and shut down cleanly; for SQL Server a new database (RESTORE DATABASE of the
/// full WITH NORECOVERY, the differential WITH NORECOVERY, the logs, the last with STOPAT; exercised only against a test
/// double). The source server is never touched.</para>
/// <example>
/// <code>Restore-ClusterDbBackup -Server PGVS1 -Database appdb -Target restore/appdb</code>
/// <para>Restores appdb of PGVS1 from its latest full backup and every log backup after it into the new data directory restore/appdb.</para>
/// </example>
/// <example>
/// <code>Restore-ClusterDbBackup -Server PGVS1 -Database appdb -Target /srv/restore/appdb -PointInTime '2026-11-21 20:15:00Z'</code>
/// <para>Restores PGVS1 as it was at 20:15 UTC into a new data directory.</para>
/// </example>
/// </summary>
[Cmdlet(VerbsData.Restore, "ClusterDbBackup", SupportsShouldProcess = true, ConfirmImpact = ConfirmImpact.Medium)]
[OutputType(typeof(RestoreDatabaseResult))]
public sealed class RestoreClusterDbBackupCommand : ClusterBackupCmdlet
{
    /// <summary>The virtual server the backups were taken from.</summary>
    [Parameter(Mandatory = true, Position = 0, ValueFromPipelineByPropertyName = true)]
    [Alias("VirtualServer", "SqlInstance")]
    [ArgumentCompleter(typeof(ServerCompleter))]
    public string Server { get; set; } = "";

    /// <summary>The database to restore.</summary>
    [Parameter(Mandatory = true, Position = 1, ValueFromPipelineByPropertyName = true)]
    [ArgumentCompleter(typeof(DatabaseCompleter))]
    public string Database { get; set; } = "";

    /// <summary>The new location: an absent or empty data directory (PostgreSQL) or a file folder (SQL Server).</summary>
    [Parameter(Mandatory = true)]
    [Alias("TargetLocation", "DataDirectory")]
    [FileSystemPath]
    public string Target { get; set; } = "";

    /// <summary>Stop at this time; without it everything the chain holds is restored. A time without a zone is local time.</summary>
    [Parameter]
    public DateTime? PointInTime { get; set; }

    /// <summary>SQL Server: the name of the new database.</summary>
    [Parameter]
    public string? TargetDatabase { get; set; }

    /// <summary>Read the backup files from this folder instead of the share, for example the files Restore-TapeObject brought back
    /// from tape: each file is found by name under the folder and checked against the SHA-256 the catalog recorded.</summary>
    [Parameter]
    [FileSystemPath]
    public string? BackupPath { get; set; }

    /// <summary>The configuration file (tool folders, accounts); optional for a restore.</summary>
    [Parameter]
    [FileSystemPath]
    public string? ConfigurationPath { get; set; }

    /// <summary>The catalog file; defaults to CLUSTERBACKUP_CATALOG or the backup server's default location.</summary>
    [Parameter]
    [FileSystemPath]
    public string? CatalogPath { get; set; }

    protected override void ProcessRecord()
    {
        if (!ShouldProcess(Target, $"Restore {Database} from {Server}{(PointInTime is { } t ? $" to {t:u}" : "")}"))
            return;
        try
        {
            DateTimeOffset? at = PointInTime is { } p ? AdminTime.FromDateTime(p) : null;
            var request = new RestoreDatabaseRequest(Server, Database, SessionState.Path.GetUnresolvedProviderPathFromPSPath(Target), at, TargetDatabase,
                BackupPath is null ? null : SessionState.Path.GetUnresolvedProviderPathFromPSPath(BackupPath));
            var result = RunEngine((token, reporter) =>
                EngineSession.Open(new EngineSessionRequest(CatalogPath, ConfigurationPath, Configuration: ConfigurationUse.Optional), reporter)
                    .RestoreDatabase().RunAsync(request, reporter, token));
            WriteObject(result);
        }
        catch (Exception ex) when (ex is not PipelineStoppedException)
        {
            WriteEngineError(ex, Database);
        }
    }
}
