using ClusterBackup.Engine.Catalog;
using ClusterBackup.Engine.Tape.Library;

namespace ClusterBackup.Engine.Tape;

/// <summary>A cartridge as the library holds it, with what the catalog knows of its label.</summary>
public sealed record TapeCartridgeInfo(string Barcode, string Library, CartridgeLocation Location, int? Slot, string? Drive, long CapacityBytes, long EarlyWarningBytes,
    long BytesUsed, string? Pool, CartridgeStatus? Status, Guid? VolumeId, int? BlockSize, DateTimeOffset? Labelled)
{
    /// <summary>The library's view of a cartridge joined with the catalog's record of its label.</summary>
    internal static TapeCartridgeInfo From(TapeContext context, LibraryCartridge c, TapeCartridge? k) =>
        new(c.Barcode, context.Library.Name, c.Location, c.Slot, c.Drive, c.CapacityBytes, c.EarlyWarningBytes, c.BytesUsed,
            k?.Pool, k?.Status, k?.VolumeId, k?.BlockSize, k?.Labelled);

    /// <summary>The cartridge <paramref name="barcode"/> as it is now.</summary>
    internal static TapeCartridgeInfo Find(TapeContext context, string barcode)
    {
        var c = context.Library.GetCartridges().First(x => string.Equals(x.Barcode, barcode, StringComparison.OrdinalIgnoreCase));
        return From(context, c, context.Catalog.GetCartridge(barcode));
    }
}
