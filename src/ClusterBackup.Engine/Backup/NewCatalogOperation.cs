using ClusterBackup.Engine.Common;

namespace ClusterBackup.Engine.Backup;

/// <summary>Where to create the catalog.</summary>
/// <param name="CatalogPath">The catalog file; null is CLUSTERBACKUP_CATALOG or the backup server's default location.</param>
public sealed record NewCatalogRequest(string? CatalogPath = null);

/// <summary>
/// New-ClusterBackupCatalog and `clusterbackup catalog new`: creates an empty catalog where no file exists, through
/// <see cref="EngineSession"/> as every command opens one, and shows it. A file that exists is opened and migrated,
/// never replaced; a file that is not a catalog is an error naming it.
/// </summary>
public sealed class NewCatalogOperation
{
    public Task<CatalogInfo> RunAsync(NewCatalogRequest request, IOperationReporter reporter, CancellationToken cancellationToken)
    {
        cancellationToken.ThrowIfCancellationRequested();
        var catalog = EngineSession.Open(new EngineSessionRequest(request.CatalogPath, Catalog: CatalogUse.CreateIfMissing), reporter).Catalog;
        return Task.FromResult(new CatalogInfo(catalog.Path, catalog.SchemaVersion));
    }
}
