using ClusterBackup.Engine.Catalog;
using ClusterBackup.Engine.Common;
using ClusterBackup.Engine.Tape.Library;

namespace ClusterBackup.Engine.Tape;

/// <summary>Which cartridges of the library to list.</summary>
/// <param name="LibraryPath">The tape library folder; default $CLUSTERBACKUP_TAPE_LIBRARY.</param>
/// <param name="Pool">Only cartridges labelled for this pool.</param>
/// <param name="Barcode">Only this cartridge.</param>
public sealed record GetTapeCartridgeRequest(string? LibraryPath, string? Pool = null, string? Barcode = null);

/// <summary>Get-TapeCartridge and `clusterbackup tape cartridges`: the library's cartridges with what the catalog knows of their labels.</summary>
public sealed class GetTapeCartridgeOperation(CatalogDatabase catalog, ITapeLibraryFactory libraries)
{
    public Task<IReadOnlyList<TapeCartridgeInfo>> RunAsync(GetTapeCartridgeRequest request, IOperationReporter reporter, CancellationToken cancellationToken)
    {
        cancellationToken.ThrowIfCancellationRequested();
        var context = TapeContext.Open(catalog, libraries, request.LibraryPath);
        var known = context.Catalog.GetCartridges().ToDictionary(c => c.Barcode, StringComparer.OrdinalIgnoreCase);
        IReadOnlyList<TapeCartridgeInfo> cartridges = context.Library.GetCartridges()
            .Select(c => TapeCartridgeInfo.From(context, c, known.GetValueOrDefault(c.Barcode)))
            .Where(c => request.Pool is null || string.Equals(c.Pool, request.Pool, StringComparison.OrdinalIgnoreCase))
            .Where(c => request.Barcode is null || string.Equals(c.Barcode, request.Barcode, StringComparison.OrdinalIgnoreCase))
            .ToList();
        return Task.FromResult(cartridges);
    }
}
