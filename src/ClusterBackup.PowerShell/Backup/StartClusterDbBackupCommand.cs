using System.Management.Automation;
using ClusterBackup.Engine.Backup;
using ClusterBackup.Engine.Catalog;
using ClusterBackup.Engine.Common;
using ClusterBackup.PowerShell.Completion;

namespace ClusterBackup.PowerShell.Backup;

/// <summary>
/// <para type="synopsis">Backs up databases of a clustered server to the backup share.</para>
/// <para type="description">Finds the node that runs the virtual server now (through the cluster provider and the
/// database engine), takes a full, differential or log backup of each database onto the share under
/// {Destination}\{Server}\{Database}\{FULL|DIFF|LOG}\{media set}, so paths stay the same across a failover, records the
/// SHA-256 of every file in the catalog in one transaction, and verifies the backup when asked. -Initialize starts a
/// new media set (WITH INIT); the previous one is kept and marked superseded, never destroyed. Writes one BackupSet
/// per database.</para>
/// <example>
/// <code>Start-ClusterDbBackup -Server SQLVS1 -Database SALES, HR -Type Full -Initialize -Destination \\backupsrv\sql -Verify -Checksum</code>
/// <para>Full backups of SALES and HR on the clustered instance SQLVS1, starting new media sets, verified.</para>
/// </example>
/// <example>
/// <code>Start-ClusterDbBackup -Server PGVS1 -Database appdb -Initialize -Destination share -Verify</code>
/// <para>A verified full backup of the PostgreSQL database appdb on the virtual server PGVS1, into a new media set on the share folder ./share (a relative path resolves against the current location).</para>
/// </example>
/// <example>
/// <code>Start-ClusterDbBackup -Server SQLVS1 -Database SALES -Type Differential -Destination \\backupsrv\sql -Checksum</code>
/// <para>A differential backup of SALES (BACKUP DATABASE ... WITH DIFFERENTIAL), based on its latest full backup in the catalog. SQL Server
/// only: a differential of a PostgreSQL database is refused (DifferentialBackupNotSupported), and one without a full backup in the catalog
/// too (DifferentialBackupWithoutFull).</para>
/// </example>
/// <example>
/// <code>Get-ClusterDbBackupSet -Server PGVS1 -Type Full | Sort-Object VirtualServer, Database -Unique | Start-ClusterDbBackup -Type Log -Destination share</code>
/// <para>A log backup of every database that has a full backup, taking server and database from the pipeline.</para>
/// </example>
/// </summary>
[Cmdlet(VerbsLifecycle.Start, "ClusterDbBackup", SupportsShouldProcess = true, ConfirmImpact = ConfirmImpact.Medium)]
[OutputType(typeof(BackupSet))]
public sealed class StartClusterDbBackupCommand : ClusterBackupCmdlet
{
    /// <summary>The virtual server or servers (SQL Server network name or PostgreSQL virtual server) as named in the
    /// configuration. Each is resolved once and backed up on its own; one that fails does not stop the next.</summary>
    [Parameter(Position = 0, ValueFromPipelineByPropertyName = true)]
    [Alias("VirtualServer", "SqlInstance")]
    [ArgumentCompleter(typeof(ServerCompleter))]
    public string[]? Server { get; set; }

    /// <summary>The cluster. Without -Server, the cluster's only configured server is backed up.</summary>
    [Parameter(ValueFromPipelineByPropertyName = true)]
    [ArgumentCompleter(typeof(ClusterCompleter))]
    public string? Cluster { get; set; }

    /// <summary>The database or databases to back up. Without it, every user database of each server, less -ExcludeDatabase.</summary>
    [Parameter(Position = 1, ValueFromPipelineByPropertyName = true)]
    [Alias("Name")]
    [ArgumentCompleter(typeof(DatabaseCompleter))]
    public string[] Database { get; set; } = [];

    /// <summary>Databases to leave out, by name.</summary>
    [Parameter]
    [ArgumentCompleter(typeof(DatabaseCompleter))]
    public string[] ExcludeDatabase { get; set; } = [];

    /// <summary>Full, Differential or Log. A differential (SQL Server only; exercised only against a test double) holds what changed
    /// since the latest full backup and needs one in the catalog; PostgreSQL has no differential backup and refuses it.</summary>
    [Parameter]
    [Alias("BackupType")]
    [PSDefaultValue(Value = BackupType.Full)]
    public BackupType Type { get; set; } = BackupType.Full;

    /// <summary>Start a new media set (WITH INIT). The previous media set is kept and marked superseded. For a log backup it also starts a new log chain from the latest full backup.</summary>
    [Parameter]
    public SwitchParameter Initialize { get; set; }

    /// <summary>The backup share root, e.g. \\backupsrv\sql or /mnt/backup.</summary>
    [Parameter(Mandatory = true)]
    [Alias("Share", "Path")]
    [FileSystemPath]
    public string Destination { get; set; } = "";

    /// <summary>Verify each backup after writing it and mark it verified in the catalog.</summary>
    [Parameter]
    public SwitchParameter Verify { get; set; }

    /// <summary>Ask the engine for its strongest checksums (BACKUP ... WITH CHECKSUM; a SHA-256 backup manifest).</summary>
    [Parameter]
    public SwitchParameter Checksum { get; set; }

    /// <summary>A copy-only backup: outside the chain, later log backups do not follow it. Not with -Type Differential.</summary>
    [Parameter]
    public SwitchParameter CopyOnly { get; set; }

    /// <summary>The configuration file naming clusters, providers and servers; defaults to CLUSTERBACKUP_CONFIG or clusterbackup.json next to the catalog.</summary>
    [Parameter]
    [FileSystemPath]
    public string? ConfigurationPath { get; set; }

    /// <summary>The catalog file; defaults to CLUSTERBACKUP_CATALOG or the backup server's default location.</summary>
    [Parameter]
    [FileSystemPath]
    public string? CatalogPath { get; set; }

    /// <summary>The database login to use instead of integrated or trust authentication (alias -SqlCredential, as in dbatools).</summary>
    [Parameter]
    [Credential]
    [Alias("SqlCredential")]
    public PSCredential? Credential { get; set; }

    /// <summary>
    /// Backs up the databases of -Database on the server resolved once for the request: a database that fails (not
    /// found, no full backup before a log backup, not verified) gets its own non-terminating error naming it and the
    /// others still run. A failure that is not about one database (the server, the share, the catalog, the
    /// configuration) is one error for the lot.
    /// </summary>
    protected override void ProcessRecord()
    {
        var databases = Database.Distinct(StringComparer.Ordinal).ToList();
        var what = databases.Count == 0 ? "every user database" : string.Join(", ", databases);
        IReadOnlyList<string?> servers = Server is { Length: > 0 } named ? named.Distinct(StringComparer.OrdinalIgnoreCase).ToList<string?>() : [null];
        foreach (var server in servers)
        {
            if (!ShouldProcess($"{what} on {server ?? Cluster}", $"{Type} backup{(Initialize ? " to a new media set" : "")} to {Destination}"))
                continue;
            try
            {
                var request = new BackupDatabaseRequest(Destination, databases, Type, server, Cluster, Initialize, Verify, Checksum, CopyOnly,
                    Credential?.GetNetworkCredential(), ExcludeDatabase);
                var outcomes = RunEngine((token, reporter) =>
                    EngineSession.Open(new EngineSessionRequest(CatalogPath, ConfigurationPath, CatalogUse.CreateIfMissing, ConfigurationUse.Required), reporter)
                        .BackupDatabase().RunAsync(request, reporter, token));
                // One outcome per database: the backup set, its error (the database at fault as target), or both for a set
                // that was recorded but did not verify.
                foreach (var outcome in outcomes)
                {
                    if (outcome.BackupSet is { } set)
                        WriteObject(set);
                    if (outcome.Error is { } error)
                        WriteEngineError(error, outcome.BackupSet is null ? outcome.Database : outcome.BackupSet);
                }
            }
            catch (Exception ex) when (ex is not PipelineStoppedException)
            {
                // A failure of the whole server (unknown, unreachable, no active node): the next server still runs.
                WriteEngineError(ex, server ?? Cluster);
            }
        }
    }
}
