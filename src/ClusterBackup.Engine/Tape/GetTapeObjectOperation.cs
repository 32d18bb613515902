using ClusterBackup.Engine.Catalog;
using ClusterBackup.Engine.Common;

namespace ClusterBackup.Engine.Tape;

/// <summary>The tape objects to list from the catalog.</summary>
/// <param name="BackupSetId">Only the objects of this backup set.</param>
/// <param name="Barcode">Only the objects with a copy on this cartridge.</param>
/// <param name="IncludeExpired">Also the objects whose retention has expired.</param>
public sealed record GetTapeObjectRequest(Guid? BackupSetId = null, string? Barcode = null, bool IncludeExpired = false);

/// <summary>
/// Get-TapeObject (without -FromMedia, which reads the cartridge: <see cref="ReadTapeCartridgeOperation"/>) and
/// `clusterbackup tape list`: the tape objects the catalog holds, with their copies. Reads the catalog only; changes nothing.
/// </summary>
public sealed class GetTapeObjectOperation(CatalogDatabase catalogDatabase)
{
    private readonly TapeCatalog _catalog = new(catalogDatabase);

    public Task<IReadOnlyList<TapeObject>> RunAsync(GetTapeObjectRequest request, IOperationReporter reporter, CancellationToken cancellationToken)
    {
        cancellationToken.ThrowIfCancellationRequested();
        return Task.FromResult(_catalog.GetObjects(backupSetId: request.BackupSetId, barcode: request.Barcode, includeExpired: request.IncludeExpired));
    }
}
