using ClusterBackup.Engine.Catalog;
using ClusterBackup.Engine.Common;
using ClusterBackup.Engine.Tape.Format;
using ClusterBackup.Engine.Tape.Library;

namespace ClusterBackup.Engine.Tape;

/// <summary>A cartridge as the library holds it, with what the catalog knows of its label.</summary>
public sealed record TapeCartridgeInfo(string Barcode, string Library, CartridgeLocation Location, int? Slot, string? Drive, long CapacityBytes, long EarlyWarningBytes,
    long BytesUsed, string? Pool, CartridgeStatus? Status, Guid? VolumeId, int? BlockSize, DateTimeOffset? Labelled);

/// <summary>A drive of the library and its state.</summary>
public sealed record TapeDriveInfo(string Name, string Library, string? Barcode, string Kind);

/// <summary>Drives, cartridges and the library: create, add, import, export, load, unload, label.</summary>
public static class TapeLibraryOperations
{
    public static VirtualTapeLibrary CreateLibrary(string path, int drives, int slots) => VirtualTapeLibrary.Create(path, drives, slots);

    public static IReadOnlyList<TapeDriveInfo> GetDrives(TapeContext context) =>
        context.Library.GetDrives().Select(d => new TapeDriveInfo(d.Name, context.Library.Name, d.Barcode, "Virtual")).ToList();

    public static IReadOnlyList<TapeCartridgeInfo> GetCartridges(TapeContext context, string? pool = null)
    {
        var known = context.Catalog.GetCartridges().ToDictionary(c => c.Barcode, StringComparer.OrdinalIgnoreCase);
        return context.Library.GetCartridges()
            .Select(c => Info(context, c, known.GetValueOrDefault(c.Barcode)))
            .Where(c => pool is null || string.Equals(c.Pool, pool, StringComparison.OrdinalIgnoreCase)).ToList();
    }

    public static TapeCartridgeInfo AddCartridge(TapeContext context, string barcode, long capacity, long earlyWarning)
    {
        var c = context.Library.AddCartridge(barcode, capacity, earlyWarning);
        return Info(context, c, context.Catalog.GetCartridge(barcode));
    }

    public static TapeCartridgeInfo Import(TapeContext context, string barcode, long capacity, long earlyWarning)
    {
        var c = context.Library.Import(barcode, capacity, earlyWarning);
        return Info(context, c, context.Catalog.GetCartridge(barcode));
    }

    public static TapeCartridgeInfo Export(TapeContext context, string barcode)
    {
        var c = context.Library.Export(barcode);
        return Info(context, c, context.Catalog.GetCartridge(barcode));
    }

    public static TapeCartridgeInfo Load(TapeContext context, string barcode, string drive)
    {
        context.Library.Load(drive, barcode);
        return Find(context, barcode);
    }

    public static TapeCartridgeInfo Unload(TapeContext context, string drive)
    {
        var barcode = context.Library.GetDrives().FirstOrDefault(d => string.Equals(d.Name, drive, StringComparison.OrdinalIgnoreCase))?.Barcode
            ?? throw new ClusterBackupException(ErrorKind.InvalidOperation, drive, $"Drive {drive} holds no cartridge.");
        context.Library.Unload(drive);
        return Find(context, barcode);
    }

    /// <summary>
    /// Labels (initialises) a cartridge for a pool: writes a new label at the beginning, which erases
    /// everything on it, and forgets in the catalog the copies it held.
    /// </summary>
    public static TapeCartridgeInfo Label(TapeContext context, string barcode, string pool, int blockSize, string? drive)
    {
        TapeFormat.ValidateBlockSize(blockSize, pool);
        var existingPool = context.Catalog.GetPools().FirstOrDefault(p => string.Equals(p.Name, pool, StringComparison.OrdinalIgnoreCase));
        if (existingPool is not null && existingPool.BlockSize != blockSize)
            throw new ClusterBackupException(ErrorKind.InvalidArgument, pool, $"Pool {pool} uses block size {existingPool.BlockSize}, not {blockSize}.");
        var useDrive = drive ?? context.FreeDrive();
        var tape = context.Library.Load(useDrive, barcode);
        try
        {
            VolumeAllocator.Label(tape, barcode, pool, blockSize, context.Catalog, context.Library.Name);
        }
        finally
        {
            context.Library.Unload(useDrive);
        }
        return Find(context, barcode);
    }

    private static TapeCartridgeInfo Find(TapeContext context, string barcode)
    {
        var c = context.Library.GetCartridges().First(x => string.Equals(x.Barcode, barcode, StringComparison.OrdinalIgnoreCase));
        return Info(context, c, context.Catalog.GetCartridge(barcode));
    }

    private static TapeCartridgeInfo Info(TapeContext context, LibraryCartridge c, TapeCartridge? k) =>
        new(c.Barcode, context.Library.Name, c.Location, c.Slot, c.Drive, c.CapacityBytes, c.EarlyWarningBytes, c.BytesUsed,
            k?.Pool, k?.Status, k?.VolumeId, k?.BlockSize, k?.Labelled);
}
