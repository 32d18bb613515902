namespace ClusterBackup.Engine.Digest;

/// <summary>
/// The per-block digests of one file or device: block i covers bytes [i*BlockSize, min((i+1)*BlockSize, DeviceSize)),
/// so the last block may be short and its digest covers only the bytes that exist. In memory this is one
/// array of BlockCount * DigestLength bytes; on disk it is a digest file (<see cref="DigestFile"/>).
/// </summary>
public sealed class BlockDigestList
{
    public BlockDigestList(DigestAlgorithm algorithm, int blockSize, long deviceSize, byte[] digests, DateTimeOffset created)
    {
        Algorithm = algorithm;
        BlockSize = blockSize;
        DeviceSize = deviceSize;
        DigestLength = DigestAlgorithms.DigestLength(algorithm);
        BlockCount = BlockCountFor(deviceSize, blockSize);
        if (digests.LongLength != BlockCount * DigestLength)
            throw new ArgumentException($"Expected {BlockCount * DigestLength} digest bytes for {BlockCount} blocks, got {digests.LongLength}.", nameof(digests));
        Digests = digests;
        Created = created;
    }

    public DigestAlgorithm Algorithm { get; }

    public int BlockSize { get; }

    public long DeviceSize { get; }

    public int DigestLength { get; }

    public long BlockCount { get; }

    public DateTimeOffset Created { get; }

    /// <summary>BlockCount * DigestLength bytes, block 0 first.</summary>
    public byte[] Digests { get; }

    public static long BlockCountFor(long deviceSize, int blockSize) => (deviceSize + blockSize - 1) / blockSize;

    public static long MaxDeviceSizeFor(int blockSize, int digestLength) => (long)(Array.MaxLength / digestLength) * blockSize;

    public ReadOnlySpan<byte> Digest(long block) => Digests.AsSpan(checked((int)(block * DigestLength)), DigestLength);

    /// <summary>Bytes block <paramref name="block"/> covers (the last one may be short).</summary>
    public int BlockLength(long block) => (int)Math.Min(BlockSize, DeviceSize - block * BlockSize);

    public bool BlockEquals(long block, BlockDigestList other) =>
        block < BlockCount && block < other.BlockCount && Digest(block).SequenceEqual(other.Digest(block));

    public static long GroupCountFor(long blockCount, int groupBlocks) => (blockCount + groupBlocks - 1) / groupBlocks;

    /// <summary>
    /// One digest per group of <paramref name="groupBlocks"/> blocks: the same algorithm over the concatenated
    /// block digests of the group. Two groups are equal exactly when all their block digests are.
    /// </summary>
    public byte[] GroupDigests(int groupBlocks)
    {
        var groups = GroupCountFor(BlockCount, groupBlocks);
        var result = new byte[groups * DigestLength];
        Parallel.For(0, (int)groups, new ParallelOptions { MaxDegreeOfParallelism = Environment.ProcessorCount }, group =>
        {
            var first = (long)group * groupBlocks;
            var count = (int)Math.Min(groupBlocks, BlockCount - first);
            var span = Digests.AsSpan(checked((int)(first * DigestLength)), count * DigestLength);
            DigestAlgorithms.Hash(Algorithm, span, result.AsSpan(group * DigestLength, DigestLength));
        });
        return result;
    }
}
