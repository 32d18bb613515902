namespace ClusterBackup.Engine.Catalog;

public enum TapeObjectStatus { Live, Expired }

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
