using ClusterBackup.Engine.Catalog;
using ClusterBackup.Engine.Common;

namespace ClusterBackup.Engine.Digest;

/// <summary>The store whose changed-block generations to list.</summary>
/// <param name="StorePath">The changed-block store folder, as Backup-ChangedBlock (`blocks backup --store`) wrote it.</param>
public sealed record GetChangedBlockGenerationRequest(string StorePath);

/// <summary>
/// Get-ChangedBlockGeneration and `clusterbackup blocks list`: the generations the catalog records for one store, oldest
/// first. Reads the catalog only; changes nothing.
/// </summary>
public sealed class GetChangedBlockGenerationOperation(CatalogDatabase catalogDatabase)
{
    private readonly ChangedBlockCatalog _catalog = new(catalogDatabase);

    public Task<IReadOnlyList<ChangedBlockGeneration>> RunAsync(GetChangedBlockGenerationRequest request, IOperationReporter reporter, CancellationToken cancellationToken)
    {
        cancellationToken.ThrowIfCancellationRequested();
        return Task.FromResult(_catalog.GetGenerations(request.StorePath));
    }
}
