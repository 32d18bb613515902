using System.Management.Automation;
using ClusterBackup.Engine.Backup;
using ClusterBackup.Engine.Catalog;

namespace ClusterBackup.PowerShell.Backup;

/// <summary>
/// <para type="synopsis">Creates a new, empty ClusterBackup catalog where none exists.</para>
/// <para type="description">Creates the catalog (the backup operations database) with every migration applied and
/// writes its full path and schema version. A file that exists is opened, never replaced; a file that is not a
/// catalog is an error naming it. A backup creates the catalog too. The same as `clusterbackup catalog new`.</para>
/// <example>
/// <code>New-ClusterBackupCatalog -CatalogPath ./new-catalog.db</code>
/// <para>Creates an empty catalog in the current folder and shows its schema version.</para>
/// </example>
/// </summary>
[Cmdlet(VerbsCommon.New, "ClusterBackupCatalog", SupportsShouldProcess = true)]
[OutputType(typeof(CatalogInfo))]
public sealed class NewClusterBackupCatalogCommand : ClusterBackupCmdlet
{
    /// <summary>The catalog file; defaults to CLUSTERBACKUP_CATALOG or the backup server's default location.</summary>
    [Parameter(Position = 0)]
    [FileSystemPath]
    public string? CatalogPath { get; set; }

    protected override void ProcessRecord()
    {
        try
        {
            var path = CatalogPath is null ? null : SessionState.Path.GetUnresolvedProviderPathFromPSPath(CatalogPath);
            if (!ShouldProcess(path ?? CatalogLocation.Resolve(null), "Create the catalog when it does not exist"))
                return;
            WriteObject(RunEngine((token, reporter) => new NewCatalogOperation().RunAsync(new NewCatalogRequest(path), reporter, token)));
        }
        catch (Exception ex) when (ex is not PipelineStoppedException)
        {
            WriteEngineError(ex, CatalogPath);
        }
    }
}
