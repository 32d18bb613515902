using ClusterBackup.Engine.Catalog;
using ClusterBackup.Engine.Common;
using ClusterBackup.Engine.Tape.Library;

namespace ClusterBackup.Engine.Tape;

/// <summary>A cartridge to move out to the library's export folder.</summary>
/// <param name="LibraryPath">The tape library folder; default $CLUSTERBACKUP_TAPE_LIBRARY.</param>
/// <param name="Barcode">The cartridge's barcode.</param>
public sealed record ExportTapeCartridgeRequest(string? LibraryPath, string Barcode);

/// <summary>Export-TapeCartridge and `clusterbackup tape cartridge export`: a cartridge out of its slot into the export folder.</summary>
public sealed class ExportTapeCartridgeOperation(CatalogDatabase catalog, ITapeLibraryFactory libraries)
{
    public Task<TapeCartridgeInfo> RunAsync(ExportTapeCartridgeRequest request, IOperationReporter reporter, CancellationToken cancellationToken)
    {
        cancellationToken.ThrowIfCancellationRequested();
        var context = TapeContext.Open(catalog, libraries, request.LibraryPath);
        var c = context.Virtual.Export(request.Barcode);
        return Task.FromResult(TapeCartridgeInfo.From(context, c, context.Catalog.GetCartridge(request.Barcode)));
    }
}
