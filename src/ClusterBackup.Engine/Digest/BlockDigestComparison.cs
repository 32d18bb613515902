namespace ClusterBackup.Engine.Digest;

/// <summary>A run of adjacent differing blocks: block numbers and the byte range they cover on the primary.</summary>
public sealed record BlockRange(long FirstBlock, long BlockCount, long Offset, long Length)
{
    public override string ToString() => $"blocks {FirstBlock}-{FirstBlock + BlockCount - 1} (bytes {Offset}-{Offset + Length - 1})";
}

/// <summary>
/// The result of Compare-BlockDigest: what was compared, which ranges differ, what a repair did, and what
/// crossed the link. Bytes are counted at the protocol level (message headers included, TCP/IP headers not).
/// </summary>
public sealed class BlockDigestComparison
{
    public string PrimaryPath { get; set; } = "";
    public string BackupPath { get; set; } = "";
    /// <summary>"Local", "DigestFile", or "Remote" (the endpoint is in the path).</summary>
    public string Mode { get; set; } = "Local";
    /// <summary>Which side started the comparison: Primary or Backup (either may).</summary>
    public string InitiatedBy { get; set; } = "Primary";
    public DigestAlgorithm Algorithm { get; set; }
    public int BlockSize { get; set; }
    public int GroupBlocks { get; set; }
    public long PrimarySize { get; set; }
    public long BackupSize { get; set; }
    public bool SizesDiffer => PrimarySize != BackupSize;
    public long BlocksCompared { get; set; }
    public long GroupsCompared { get; set; }
    public long GroupsDiffering { get; set; }
    public long DifferingBlocks { get; set; }
    public long DifferingBytes { get; set; }
    public IReadOnlyList<BlockRange> DifferingRanges { get; set; } = [];
    /// <summary>True when the backup was written (a repair that was not -WhatIf).</summary>
    public bool Repaired { get; set; }
    public long BlocksWritten { get; set; }
    /// <summary>Written blocks re-read from the backup after the flush whose digests matched the primary's.</summary>
    public long BlocksVerified { get; set; }
    /// <summary>Bytes of digests that crossed the link (group digests, block digests of differing groups, verification digests).</summary>
    public long DigestBytes { get; set; }
    /// <summary>Bytes the primary side sent to the backup side (requests, block data).</summary>
    public long BytesToBackup { get; set; }
    /// <summary>Bytes the backup side sent to the primary side (digests, acknowledgements).</summary>
    public long BytesToPrimary { get; set; }
    public long BytesSent => BytesToBackup + BytesToPrimary;
    public TimeSpan Duration { get; set; }
    /// <summary>True when the two sides hold the same bytes (before a repair, or after a successful one).</summary>
    public bool Identical { get; set; }
}
