using ClusterBackup.Engine.Catalog;
using ClusterBackup.Engine.Common;
using ClusterBackup.Engine.Tape.Library;

namespace ClusterBackup.Engine.Tape;

/// <summary>A cartridge to take in from the library's import folder.</summary>
/// <param name="LibraryPath">The tape library folder; default $CLUSTERBACKUP_TAPE_LIBRARY.</param>
/// <param name="Barcode">The cartridge's barcode (its .tap file in the import folder).</param>
/// <param name="CapacityBytes">Its capacity in bytes.</param>
/// <param name="EarlyWarningBytes">The early-warning zone before the end of the medium, in bytes.</param>
public sealed record ImportTapeCartridgeRequest(string? LibraryPath, string Barcode, long CapacityBytes, long EarlyWarningBytes);

/// <summary>Import-TapeCartridge and `clusterbackup tape cartridge import`: a cartridge from the import folder into a free slot.</summary>
public sealed class ImportTapeCartridgeOperation(CatalogDatabase catalog, ITapeLibraryFactory libraries)
{
    public Task<TapeCartridgeInfo> RunAsync(ImportTapeCartridgeRequest request, IOperationReporter reporter, CancellationToken cancellationToken)
    {
        cancellationToken.ThrowIfCancellationRequested();
        var context = TapeContext.Open(catalog, libraries, request.LibraryPath);
        var c = context.Virtual.Import(request.Barcode, request.CapacityBytes, request.EarlyWarningBytes);
        return Task.FromResult(TapeCartridgeInfo.From(context, c, context.Catalog.GetCartridge(request.Barcode)));
    }
}
