using ClusterBackup.Engine.Common;

namespace ClusterBackup.Engine.Digest;

/// <summary>
/// How blocks are cut and digested.
/// <para>Default block size 64 KiB: a SHA-256 digest per 64 KiB is 1/2048 of the data (512 MiB of
/// digests per TiB, held in memory and in the backup map), one hash call per 64 KiB keeps the
/// per-call cost under 1 % of the hashing time, and 64 KiB is a SQL Server extent (8 pages) and
/// 8 PostgreSQL pages, so a changed page re-sends at most one extent. Use 4 KiB for workloads of
/// scattered single-page changes when the smaller transfer matters more than the larger map.</para>
/// <para>Default group: 64 blocks (4 MiB at the default size). The backup sends one digest per
/// group first and block digests only for groups that differ, so equal devices exchange 1/64 of
/// the block digests.</para>
/// </summary>
public sealed record BlockDigestOptions
{
    public const int DefaultBlockSize = 64 * 1024;
    public const int DefaultGroupBlocks = 64;
    public const int MinimumBlockSize = 512;
    public const int MaximumBlockSize = 64 * 1024 * 1024;

    public int BlockSize { get; init; } = DefaultBlockSize;

    public DigestAlgorithm Algorithm { get; init; } = DigestAlgorithm.Sha256;

    /// <summary>Blocks per group for the two-level comparison.</summary>
    public int GroupBlocks { get; init; } = DefaultGroupBlocks;

    /// <summary>Worker threads; 0 means one per core.</summary>
    public int Parallelism { get; init; }

    public int EffectiveParallelism => Parallelism > 0 ? Parallelism : Environment.ProcessorCount;

    public void Validate()
    {
        if (BlockSize < MinimumBlockSize || BlockSize > MaximumBlockSize || BlockSize % MinimumBlockSize != 0)
            throw new ClusterBackupException(ErrorKind.InvalidArgument, BlockSize.ToString(),
                $"Block size {BlockSize} is not valid: use a multiple of {MinimumBlockSize} bytes between {MinimumBlockSize} and {MaximumBlockSize}.");
        if (GroupBlocks < 1 || GroupBlocks > 1 << 20)
            throw new ClusterBackupException(ErrorKind.InvalidArgument, GroupBlocks.ToString(), $"Group size {GroupBlocks} blocks is not valid: use 1 to {1 << 20}.");
        if (!DigestAlgorithms.IsKnown((byte)Algorithm))
            throw new ClusterBackupException(ErrorKind.InvalidArgument, Algorithm.ToString(), $"Unknown digest algorithm {(int)Algorithm}.");
    }
}
