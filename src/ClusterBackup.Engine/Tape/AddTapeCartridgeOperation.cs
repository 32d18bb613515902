using ClusterBackup.Engine.Catalog;
using ClusterBackup.Engine.Common;
using ClusterBackup.Engine.Tape.Library;

namespace ClusterBackup.Engine.Tape;

/// <summary>A blank cartridge to add to a free slot.</summary>
/// <param name="LibraryPath">The tape library folder; default $CLUSTERBACKUP_TAPE_LIBRARY.</param>
/// <param name="Barcode">The new cartridge's barcode.</param>
/// <param name="CapacityBytes">Its capacity in bytes.</param>
/// <param name="EarlyWarningBytes">The early-warning zone before the end of the medium, in bytes.</param>
public sealed record AddTapeCartridgeRequest(string? LibraryPath, string Barcode, long CapacityBytes, long EarlyWarningBytes);

/// <summary>Add-TapeCartridge and `clusterbackup tape cartridge add`: a new blank cartridge in a free slot of the library.</summary>
public sealed class AddTapeCartridgeOperation(CatalogDatabase catalog, ITapeLibraryFactory libraries)
{
    public Task<TapeCartridgeInfo> RunAsync(AddTapeCartridgeRequest request, IOperationReporter reporter, CancellationToken cancellationToken)
    {
        cancellationToken.ThrowIfCancellationRequested();
        var context = TapeContext.Open(catalog, libraries, request.LibraryPath);
        var c = context.Virtual.AddCartridge(request.Barcode, request.CapacityBytes, request.EarlyWarningBytes);
        return Task.FromResult(TapeCartridgeInfo.From(context, c, context.Catalog.GetCartridge(request.Barcode)));
    }
}
