using ClusterBackup.Engine.Common;
using ClusterBackup.Engine.Tape.Library;

namespace ClusterBackup.Engine.Tape;

/// <summary>A virtual tape library to create.</summary>
/// <param name="Path">The folder of the new library.</param>
/// <param name="Drives">How many drives (drive0, drive1, ...).</param>
/// <param name="Slots">How many slots.</param>
public sealed record NewTapeLibraryRequest(string Path, int Drives, int Slots);

/// <summary>
/// New-TapeLibrary and `clusterbackup tape library create`: creates a virtual tape library in a folder (library.json,
/// docs/tape-library.md) with empty slots, and returns its drives.
/// </summary>
public sealed class NewTapeLibraryOperation(ITapeLibraryFactory libraries)
{
    public Task<IReadOnlyList<TapeDriveInfo>> RunAsync(NewTapeLibraryRequest request, IOperationReporter reporter, CancellationToken cancellationToken)
    {
        cancellationToken.ThrowIfCancellationRequested();
        var library = libraries.CreateVirtual(request.Path, request.Drives, request.Slots);
        return Task.FromResult(GetTapeDriveOperation.Drives(library));
    }
}
