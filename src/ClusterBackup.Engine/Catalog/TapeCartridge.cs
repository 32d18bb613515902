namespace ClusterBackup.Engine.Catalog;

public enum CartridgeStatus { Scratch, Appendable, Full, Closed, Retired }

/// <summary>A labelled cartridge as the catalog knows it.</summary>
public sealed record TapeCartridge(string Barcode, Guid VolumeId, string Pool, int BlockSize, CartridgeStatus Status,
    DateTimeOffset Labelled, long NextBlock, int NextFile, string? Library);
