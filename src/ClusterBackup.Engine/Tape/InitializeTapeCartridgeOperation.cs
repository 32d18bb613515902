using ClusterBackup.Engine.Catalog;
using ClusterBackup.Engine.Common;
using ClusterBackup.Engine.Tape.Format;
using ClusterBackup.Engine.Tape.Library;

namespace ClusterBackup.Engine.Tape;

/// <summary>A cartridge to label for a pool.</summary>
/// <param name="LibraryPath">The tape library folder; default $CLUSTERBACKUP_TAPE_LIBRARY.</param>
/// <param name="Barcode">The cartridge's barcode.</param>
/// <param name="Pool">The pool to label it for.</param>
/// <param name="BlockSize">The block size of the pool, in bytes.</param>
/// <param name="Drive">The drive to label with; default a free one.</param>
public sealed record InitializeTapeCartridgeRequest(string? LibraryPath, string Barcode, string Pool, int BlockSize, string? Drive = null);

/// <summary>
/// Initialize-TapeCartridge and `clusterbackup tape cartridge label`: labels a cartridge for a pool by writing a new
/// label at the beginning, which erases everything on it, and forgets in the catalog the copies it held.
/// </summary>
public sealed class InitializeTapeCartridgeOperation(CatalogDatabase catalog, ITapeLibraryFactory libraries)
{
    public Task<TapeCartridgeInfo> RunAsync(InitializeTapeCartridgeRequest request, IOperationReporter reporter, CancellationToken cancellationToken)
    {
        cancellationToken.ThrowIfCancellationRequested();
        var (barcode, pool, blockSize) = (request.Barcode, request.Pool, request.BlockSize);
        TapeFormat.ValidateBlockSize(blockSize, pool);
        var context = TapeContext.Open(catalog, libraries, request.LibraryPath);
        // Labelling erases the tape: never while a session of another process writes to the library.
        using var writerLock = context.LockForWriting($"initialize cartridge {barcode}", cancellationToken);
        var existingPool = context.Catalog.GetPools().FirstOrDefault(p => string.Equals(p.Name, pool, StringComparison.OrdinalIgnoreCase));
        if (existingPool is not null && existingPool.BlockSize != blockSize)
            throw new ClusterBackupException(ErrorKind.InvalidArgument, pool, $"Pool {pool} uses block size {existingPool.BlockSize}, not {blockSize}.");
        var useDrive = request.Drive ?? context.FreeDrive();
        var tape = context.Library.Load(useDrive, barcode);
        try
        {
            new VolumeAllocator(context.Library, context.Catalog, reporter, writerLock).Fence(tape);
            VolumeAllocator.Label(tape, barcode, pool, blockSize, context.Catalog, context.Library.Name);
        }
        finally
        {
            context.Library.Unload(useDrive);
        }
        return Task.FromResult(TapeCartridgeInfo.Find(context, barcode));
    }
}
