namespace ClusterBackup.Engine.Catalog;

/// <summary>One volume of a tape stream: the stream's blocks on that cartridge.</summary>
public sealed record TapeStreamVolume(int VolumeSequence, string Barcode, int FileNumber, long FirstBlock, long LastBlock);

/// <summary>One agent's tape stream within a session: the original (mirror level 0) or a mirror.</summary>
public sealed record TapeStream(Guid StreamId, Guid SessionId, string Agent, int MirrorLevel, string Pool, int BlockSize, IReadOnlyList<TapeStreamVolume> Volumes);
