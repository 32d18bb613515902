using ClusterBackup.Engine.Common;
using ClusterBackup.Engine.Tape.Library;

namespace ClusterBackup.Engine.Tape;

/// <summary>The library whose drives to list.</summary>
/// <param name="LibraryPath">The tape library folder; default $CLUSTERBACKUP_TAPE_LIBRARY.</param>
public sealed record GetTapeDriveRequest(string? LibraryPath);

/// <summary>Get-TapeDrive and `clusterbackup tape drives`: the library's drives and the cartridge in each.</summary>
public sealed class GetTapeDriveOperation(ITapeLibraryFactory libraries)
{
    public Task<IReadOnlyList<TapeDriveInfo>> RunAsync(GetTapeDriveRequest request, IOperationReporter reporter, CancellationToken cancellationToken)
    {
        cancellationToken.ThrowIfCancellationRequested();
        return Task.FromResult(Drives(libraries.Open(request.LibraryPath)));
    }

    internal static IReadOnlyList<TapeDriveInfo> Drives(ITapeLibrary library) =>
        library.GetDrives().Select(d => new TapeDriveInfo(d.Name, library.Name, d.Barcode, library is VirtualTapeLibrary ? "Virtual" : "Changer")).ToList();
}
