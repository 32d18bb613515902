using System.Management.Automation;
using ClusterBackup.Engine.Backup;
using ClusterBackup.Engine.Catalog;
using ClusterBackup.Engine.Common;
using ClusterBackup.PowerShell.Completion;

namespace ClusterBackup.PowerShell.Backup;

/// <summary>
/// <para type="synopsis">Verifies backups on the backup share.</para>
/// <para type="description">Checks that every file of a backup set is on the share with the size and SHA-256 the
/// catalog recorded, then runs the engine's own check (SQL Server: RESTORE VERIFYONLY; PostgreSQL: pg_verifybackup,
/// and WAL continuity from the full backup for log backups), records the result in the catalog and writes one
/// BackupVerification per set. Backup sets piped from Get-ClusterDbBackupSet or Start-ClusterDbBackup bind by
/// BackupSetId.</para>
/// <example>
/// <code>Get-ClusterDbBackupSet -Server PGVS1 -Database appdb | Test-ClusterDbBackup</code>
/// <para>Verifies every catalogued backup of appdb.</para>
/// </example>
/// <example>
/// <code>Get-ClusterDbBackupSet -Server PGVS1 -LastFull | Test-ClusterDbBackup -Restore -ScratchPath restore-tests</code>
/// <para>Restores the latest full backup of each database of PGVS1 into a folder under restore-tests, starts the copy, runs pg_amcheck, removes the copy and records the result.</para>
/// </example>
/// </summary>
// ById is the default so that a piped BackupSet, which also carries VirtualServer and Database, binds by its id: each piped set
// is verified, not the latest set of its database once per set.
[Cmdlet(VerbsDiagnostic.Test, "ClusterDbBackup", DefaultParameterSetName = "ById")]
[OutputType(typeof(BackupVerification))]
public sealed class TestClusterDbBackupCommand : ClusterBackupCmdlet
{
    /// <summary>The backup set to verify, usually bound from a piped BackupSet.</summary>
    [Parameter(Mandatory = true, ParameterSetName = "ById", ValueFromPipelineByPropertyName = true)]
    public Guid BackupSetId { get; set; }

    /// <summary>The virtual server whose backups to verify.</summary>
    [Parameter(Mandatory = true, Position = 0, ParameterSetName = "ByDatabase", ValueFromPipelineByPropertyName = true)]
    [Alias("VirtualServer", "SqlInstance")]
    [ArgumentCompleter(typeof(ServerCompleter))]
    public string? Server { get; set; }

    /// <summary>The database whose backups to verify.</summary>
    [Parameter(Mandatory = true, Position = 1, ParameterSetName = "ByDatabase", ValueFromPipelineByPropertyName = true)]
    [ArgumentCompleter(typeof(DatabaseCompleter))]
    public string? Database { get; set; }

    /// <summary>Only Full, only Differential or only Log backups.</summary>
    [Parameter(ParameterSetName = "ByDatabase")]
    public BackupType? Type { get; set; }

    /// <summary>Verify every completed backup of the database, not only the latest.</summary>
    [Parameter(ParameterSetName = "ByDatabase")]
    public SwitchParameter All { get; set; }

    /// <summary>Also restore each set's chain into a scratch location, start the copy, run the engine's consistency check
    /// (PostgreSQL: pg_amcheck; SQL Server: DBCC CHECKDB), remove the copy and record the test in the catalog, as
    /// dbatools' Test-DbaLastBackup does.</summary>
    [Parameter]
    public SwitchParameter Restore { get; set; }

    /// <summary>Where -Restore puts its copies: for PostgreSQL a folder on this machine, for SQL Server a folder on the server.
    /// Default: clusterbackup-restore-tests in the system's temporary folder.</summary>
    [Parameter]
    [FileSystemPath]
    public string? ScratchPath { get; set; }

    /// <summary>The configuration file (tool folders, accounts); optional for verification.</summary>
    [Parameter]
    [FileSystemPath]
    public string? ConfigurationPath { get; set; }

    /// <summary>The catalog file; defaults to CLUSTERBACKUP_CATALOG or the backup server's default location.</summary>
    [Parameter]
    [FileSystemPath]
    public string? CatalogPath { get; set; }

    protected override void ProcessRecord()
    {
        var byId = ParameterSetName == "ById";
        try
        {
            var scratch = ScratchPath is null ? null : SessionState.Path.GetUnresolvedProviderPathFromPSPath(ScratchPath);
            var request = byId
                ? new VerifyBackupSetRequest(BackupSetId, Restore: Restore, ScratchPath: scratch)
                : new VerifyBackupSetRequest(null, Server, Database, Type, All, Restore, scratch);
            var results = RunEngine((token, reporter) =>
                EngineSession.Open(new EngineSessionRequest(CatalogPath, ConfigurationPath, Configuration: ConfigurationUse.Optional), reporter)
                    .VerifyBackupSet().RunAsync(request, reporter, token));
            foreach (var result in results)
            {
                WriteObject(result);
                // A set that did not verify is an error, as in the CLI (exit code 1); the result still shows its problems.
                if (!result.Verified)
                    WriteEngineError(VerifyBackupSetOperation.VerificationFailed(result), result);
            }
        }
        catch (Exception ex) when (ex is not PipelineStoppedException)
        {
            WriteEngineError(ex, byId ? BackupSetId : Database);
        }
    }
}
