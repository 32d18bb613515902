using ClusterBackup.Engine.Catalog;
using ClusterBackup.Engine.Common;
using ClusterBackup.Engine.Tape.Library;

namespace ClusterBackup.Engine.Tape;

/// <summary>The drive to unload.</summary>
/// <param name="LibraryPath">The tape library folder; default $CLUSTERBACKUP_TAPE_LIBRARY.</param>
/// <param name="Drive">The drive whose cartridge goes back to its slot.</param>
public sealed record DismountTapeCartridgeRequest(string? LibraryPath, string Drive);

/// <summary>Dismount-TapeCartridge and `clusterbackup tape cartridge unload`: the robot returns a drive's cartridge to its home slot.</summary>
public sealed class DismountTapeCartridgeOperation(CatalogDatabase catalog, ITapeLibraryFactory libraries)
{
    public Task<TapeCartridgeInfo> RunAsync(DismountTapeCartridgeRequest request, IOperationReporter reporter, CancellationToken cancellationToken)
    {
        cancellationToken.ThrowIfCancellationRequested();
        var context = TapeContext.Open(catalog, libraries, request.LibraryPath);
        var drive = request.Drive;
        var barcode = context.Library.GetDrives().FirstOrDefault(d => string.Equals(d.Name, drive, StringComparison.OrdinalIgnoreCase))?.Barcode
            ?? throw new ClusterBackupException(ErrorKind.InvalidOperation, drive, $"Drive {drive} holds no cartridge.");
        context.Library.Unload(drive);
        return Task.FromResult(TapeCartridgeInfo.Find(context, barcode));
    }
}
