using System.Management.Automation;
using ClusterBackup.Engine.Backup;
using ClusterBackup.Engine.Catalog;
using ClusterBackup.Engine.Common;
using ClusterBackup.PowerShell.Completion;

namespace ClusterBackup.PowerShell.Backup;

/// <summary>
/// <para type="synopsis">Lists backup sets recorded in the ClusterBackup catalog.</para>
/// <para type="description">Reads the backup operations database and writes one BackupSet object per backup,
/// oldest first. Filter by virtual server, database, type or time; pipe the result into a tape backup or a verify.</para>
/// <example>
/// <code>Get-ClusterDbBackupSet -Server PGVS1 -Database appdb -Type Log -Since (Get-Date).AddDays(-1)</code>
/// <para>Lists the log backups of appdb on the virtual server PGVS1 taken in the last 24 hours.</para>
/// </example>
/// <example>
/// <code>Get-ClusterDbBackupSet -Server PGVS1 -Last | Test-ClusterDbBackup</code>
/// <para>Verifies, for every database of PGVS1, the latest full backup, the latest differential based on it (SQL Server) and the log
/// backups after them: what a restore to now would use.</para>
/// </example>
/// <example>
/// <code>Get-ClusterDbBackupSet -Server SQLVS1 -Database SALES -LastDiff</code>
/// <para>The latest differential backup of SALES, as Get-DbaDbBackupHistory -LastDiff lists it.</para>
/// </example>
/// </summary>
[Cmdlet(VerbsCommon.Get, "ClusterDbBackupSet", DefaultParameterSetName = "All")]
[OutputType(typeof(BackupSet))]
public sealed class GetClusterDbBackupSetCommand : ClusterBackupCmdlet
{
    /// <summary>The virtual server (SQL Server network name or PostgreSQL virtual address name) the backups were taken from.</summary>
    [Parameter(Position = 0, ValueFromPipelineByPropertyName = true)]
    [Alias("VirtualServer", "SqlInstance")]
    [ArgumentCompleter(typeof(ServerCompleter))]
    public string? Server { get; set; }

    /// <summary>The database whose backups to list.</summary>
    [Parameter(Position = 1, ValueFromPipelineByPropertyName = true)]
    [ArgumentCompleter(typeof(DatabaseCompleter))]
    public string? Database { get; set; }

    /// <summary>Only backups of this type: Full, Differential or Log.</summary>
    [Parameter(ParameterSetName = "All")]
    public BackupType? Type { get; set; }

    /// <summary>For each database, its latest full backup, the latest differential based on it and the log backups after them (after
    /// the full when there is no differential): the chain a restore to now uses.</summary>
    [Parameter(Mandatory = true, ParameterSetName = "Last")]
    public SwitchParameter Last { get; set; }

    /// <summary>For each database, its latest full backup.</summary>
    [Parameter(Mandatory = true, ParameterSetName = "LastFull")]
    public SwitchParameter LastFull { get; set; }

    /// <summary>For each database, its latest log backup.</summary>
    [Parameter(Mandatory = true, ParameterSetName = "LastLog")]
    public SwitchParameter LastLog { get; set; }

    /// <summary>For each database, its latest differential backup (SQL Server).</summary>
    [Parameter(Mandatory = true, ParameterSetName = "LastDiff")]
    public SwitchParameter LastDiff { get; set; }

    /// <summary>Only backups started at or after this time.</summary>
    [Parameter]
    public DateTime? Since { get; set; }

    /// <summary>The catalog file; defaults to CLUSTERBACKUP_CATALOG or the backup server's default location.</summary>
    [Parameter]
    [FileSystemPath]
    public string? CatalogPath { get; set; }

    protected override void ProcessRecord()
    {
        try
        {
            var latest = Last ? LatestBackups.Chain : LastFull ? LatestBackups.Full : LastLog ? LatestBackups.Log
                : LastDiff ? LatestBackups.Differential : LatestBackups.All;
            var request = new ListBackupSetRequest(Server, Database, Type, Since is { } s ? AdminTime.FromDateTime(s) : null, latest);
            var sets = RunEngine((token, reporter) => EngineSession.Open(new EngineSessionRequest(CatalogPath), reporter).ListBackupSet().RunAsync(request, reporter, token));
            foreach (var set in sets)
                WriteObject(set);
        }
        catch (Exception ex) when (ex is not PipelineStoppedException)
        {
            WriteEngineError(ex, Database ?? Server);
        }
    }
}
