namespace ClusterBackup.Engine.Digest;

/// <summary>How the point-in-time copy of a generation was taken.</summary>
public enum SnapshotMethod
{
    /// <summary>A reflink clone: the content of one instant.</summary>
    Reflink,

    /// <summary>The live file read while it may change (only with an explicit flag): not guaranteed consistent.</summary>
    InconsistentCopy,
}

/// <summary>One generation of a changed-block backup chain, as recorded in the catalog.</summary>
public sealed class ChangedBlockGeneration
{
    public string ChainId { get; set; } = "";
    public string SourcePath { get; set; } = "";
    public string StorePath { get; set; } = "";
    public int Generation { get; set; }
    public DateTimeOffset Taken { get; set; }
    public SnapshotMethod SnapshotMethod { get; set; }
    public DigestAlgorithm Algorithm { get; set; }
    public int BlockSize { get; set; }
    public long DeviceSize { get; set; }
    public long BlockCount { get; set; }
    public long ChangedBlocks { get; set; }
    /// <summary>Bytes of the generation's changed-block file (headers, block numbers and data).</summary>
    public long StoredBytes { get; set; }
    public string DataFile { get; set; } = "";
    public string DataSha256 { get; set; } = "";
    /// <summary>The backup map of this generation: a digest file of every block.</summary>
    public string MapFile { get; set; } = "";
}
