using ClusterBackup.Engine.Tape.Drives;

namespace ClusterBackup.Engine.Tape.Library;

/// <summary>Where a cartridge is: in a slot, in a drive, or exported.</summary>
public enum CartridgeLocation { Slot, Drive, Exported }

/// <summary>A cartridge as the library sees it (the catalog knows its label and pool).</summary>
public sealed record LibraryCartridge(string Barcode, CartridgeLocation Location, int? Slot, string? Drive, long CapacityBytes, long EarlyWarningBytes, long BytesUsed);

/// <summary>A drive of a library and the cartridge in it.</summary>
public sealed record LibraryDrive(string Name, string? Barcode);

/// <summary>A tape library: slots with barcoded cartridges, drives, and a robot that loads and unloads.</summary>
public interface ITapeLibrary
{
    string Name { get; }

    IReadOnlyList<LibraryDrive> GetDrives();

    /// <summary>The drive of this name; a clear error naming the library's drives when it has none.</summary>
    LibraryDrive GetDrive(string drive);

    IReadOnlyList<LibraryCartridge> GetCartridges();

    /// <summary>Moves <paramref name="barcode"/> into <paramref name="drive"/> (unloading what was there) and loads it.</summary>
    ITapeDrive Load(string drive, string barcode);

    /// <summary>Unloads the drive and returns its cartridge to its slot.</summary>
    void Unload(string drive);
}
