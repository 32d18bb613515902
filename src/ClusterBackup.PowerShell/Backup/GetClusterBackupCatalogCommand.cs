using System.Management.Automation;
using ClusterBackup.Engine.Backup;

namespace ClusterBackup.PowerShell.Backup;

/// <summary>
/// <para type="synopsis">Shows where the ClusterBackup catalog is and its schema version.</para>
/// <para type="description">Opens the existing catalog (the backup operations database) and writes its full path and
/// the schema version its migrations reached. A catalog that does not exist is an error naming the path: nothing is
/// created. The same as `clusterbackup catalog info`.</para>
/// <example>
/// <code>Get-ClusterBackupCatalog</code>
/// <para>Shows the catalog of CLUSTERBACKUP_CATALOG, or of the backup server's default location.</para>
/// </example>
/// </summary>
[Cmdlet(VerbsCommon.Get, "ClusterBackupCatalog")]
[OutputType(typeof(CatalogInfo))]
public sealed class GetClusterBackupCatalogCommand : ClusterBackupCmdlet
{
    /// <summary>The catalog file; defaults to CLUSTERBACKUP_CATALOG or the backup server's default location.</summary>
    [Parameter(Position = 0)]
    [FileSystemPath]
    public string? CatalogPath { get; set; }

    protected override void ProcessRecord()
    {
        try
        {
            var catalog = OpenCatalog(CatalogPath is null ? null : SessionState.Path.GetUnresolvedProviderPathFromPSPath(CatalogPath));
            WriteObject(RunEngine((token, reporter) => new GetCatalogInfoOperation(catalog).RunAsync(new GetCatalogInfoRequest(), reporter, token)));
        }
        catch (Exception ex) when (ex is not PipelineStoppedException)
        {
            WriteEngineError(ex, CatalogPath);
        }
    }
}
