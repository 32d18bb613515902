namespace ClusterBackup.Engine.Catalog;

public enum CartridgeStatus { Scratch, Appendable, Full, Closed, Retired }

public enum TapeObjectStatus { Live, Expired }

/// <summary>A tape pool: cartridges labelled for one purpose, with one block size.</summary>
public sealed record TapePool(string Name, int BlockSize, DateTimeOffset Created);

/// <summary>A labelled cartridge as the catalog knows it.</summary>
public sealed record TapeCartridge(string Barcode, Guid VolumeId, string Pool, int BlockSize, CartridgeStatus Status,
    DateTimeOffset Labelled, long NextBlock, int NextFile, string? Library);

/// <summary>One volume of a tape stream: the stream's blocks on that cartridge.</summary>
public sealed record TapeStreamVolume(int VolumeSequence, string Barcode, int FileNumber, long FirstBlock, long LastBlock);

/// <summary>One agent's tape stream within a session: the original (mirror level 0) or a mirror.</summary>
public sealed record TapeStream(Guid StreamId, Guid SessionId, string Agent, int MirrorLevel, string Pool, int BlockSize, IReadOnlyList<TapeStreamVolume> Volumes);

/// <summary>An object on tape: one file of a backup set (or any data object), identified across all its copies.</summary>
public sealed record TapeObject
{
    public required Guid ObjectId { get; init; }
    public required string Name { get; init; }
    public string? SourcePath { get; init; }
    public Guid? BackupSetId { get; init; }
    public required long Length { get; init; }
    public required string Sha256 { get; init; }
    public DateTimeOffset Created { get; init; }
    public TapeObjectStatus Status { get; init; } = TapeObjectStatus.Live;
    /// <summary>Its copies on tape (filled by queries that ask for them).</summary>
    public IReadOnlyList<TapeObjectCopy> Copies { get; init; } = [];
    public int VerifiedCopies => Copies.Count(c => c.Verified);
    /// <summary>The barcodes its copies are on, for display and pipelines.</summary>
    public string Volumes => string.Join(",", Copies.SelectMany(c => c.Barcodes).Distinct());
}

/// <summary>Where one copy of an object is: its stream, and first/last record position (volume sequence, block).</summary>
public sealed record TapeObjectCopy(Guid ObjectId, Guid StreamId, Guid SessionId, string Agent, int MirrorLevel,
    int FirstVolumeSequence, long FirstBlock, int LastVolumeSequence, long LastBlock, bool Verified, DateTimeOffset? VerifiedAt,
    IReadOnlyList<string> Barcodes);

/// <summary>Everything one tape session wrote, recorded in one transaction.</summary>
public sealed record TapeSessionRecord(Guid SessionId, string Job, DateTimeOffset Started, DateTimeOffset Finished, bool Completed,
    IReadOnlyList<TapeStream> Streams, IReadOnlyList<TapeObject> Objects, IReadOnlyList<TapeObjectCopy> Copies);
