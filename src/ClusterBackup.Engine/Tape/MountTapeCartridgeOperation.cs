using ClusterBackup.Engine.Catalog;
using ClusterBackup.Engine.Common;
using ClusterBackup.Engine.Tape.Library;

namespace ClusterBackup.Engine.Tape;

/// <summary>A cartridge to load, and the drive to load it into.</summary>
/// <param name="LibraryPath">The tape library folder; default $CLUSTERBACKUP_TAPE_LIBRARY.</param>
/// <param name="Barcode">The cartridge's barcode.</param>
/// <param name="Drive">The drive to load into.</param>
public sealed record MountTapeCartridgeRequest(string? LibraryPath, string Barcode, string Drive);

/// <summary>Mount-TapeCartridge and `clusterbackup tape cartridge load`: the robot loads a cartridge from its slot into a drive.</summary>
public sealed class MountTapeCartridgeOperation(CatalogDatabase catalog, ITapeLibraryFactory libraries)
{
    public Task<TapeCartridgeInfo> RunAsync(MountTapeCartridgeRequest request, IOperationReporter reporter, CancellationToken cancellationToken)
    {
        cancellationToken.ThrowIfCancellationRequested();
        var context = TapeContext.Open(catalog, libraries, request.LibraryPath);
        context.Library.Load(request.Drive, request.Barcode);
        return Task.FromResult(TapeCartridgeInfo.Find(context, request.Barcode));
    }
}
