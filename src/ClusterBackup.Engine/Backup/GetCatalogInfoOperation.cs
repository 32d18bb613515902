using ClusterBackup.Engine.Catalog;
using ClusterBackup.Engine.Common;

namespace ClusterBackup.Engine.Backup;

/// <summary>Where a catalog is and the schema version its migrations reached.</summary>
public sealed record CatalogInfo(string Path, int SchemaVersion);

/// <summary>What to show of the catalog: the catalog is the one the operation was built with.</summary>
public sealed record GetCatalogInfoRequest;

/// <summary>Get-ClusterBackupCatalog and `clusterbackup catalog info`: where the catalog is and its schema version.</summary>
public sealed class GetCatalogInfoOperation(CatalogDatabase catalog)
{
    public Task<CatalogInfo> RunAsync(GetCatalogInfoRequest request, IOperationReporter reporter, CancellationToken cancellationToken)
    {
        cancellationToken.ThrowIfCancellationRequested();
        return Task.FromResult(new CatalogInfo(catalog.Path, catalog.SchemaVersion));
    }
}
