using ClusterBackup.Engine.Common;

namespace ClusterBackup.Engine.Digest;

/// <summary>Pure comparisons of digest lists: which groups and blocks differ, and the ranges they form.</summary>
public static class DigestComparer
{
    /// <summary>Every primary block whose digest differs from the backup's or that the backup lacks.</summary>
    public static List<long> DifferingBlocks(BlockDigestList primary, BlockDigestList backup, string backupName = "the backup")
    {
        EnsureCompatible(primary, backup.Algorithm, backup.BlockSize, backupName);
        var result = new List<long>();
        for (long block = 0; block < primary.BlockCount; block++)
            if (!primary.BlockEquals(block, backup))
                result.Add(block);
        return result;
    }

    /// <summary>Groups (of the primary's group count) whose digests differ or that the backup lacks.</summary>
    public static List<long> DifferingGroups(byte[] primaryGroups, byte[] backupGroups, int digestLength)
    {
        var primaryCount = primaryGroups.LongLength / digestLength;
        var backupCount = backupGroups.LongLength / digestLength;
        var result = new List<long>();
        for (long group = 0; group < primaryCount; group++)
        {
            if (group >= backupCount
                || !primaryGroups.AsSpan((int)(group * digestLength), digestLength).SequenceEqual(backupGroups.AsSpan((int)(group * digestLength), digestLength)))
                result.Add(group);
        }
        return result;
    }

    public static void EnsureCompatible(BlockDigestList primary, DigestAlgorithm algorithm, int blockSize, string otherName)
    {
        if (primary.Algorithm != algorithm)
            throw new ClusterBackupException(ErrorKind.InvalidData, otherName,
                $"'{otherName}' holds {algorithm} digests but the comparison uses {primary.Algorithm}; use -Algorithm {algorithm}.");
        if (primary.BlockSize != blockSize)
            throw new ClusterBackupException(ErrorKind.InvalidData, otherName,
                $"'{otherName}' was made with {blockSize}-byte blocks but the comparison uses {primary.BlockSize}-byte blocks; use -BlockSize {blockSize}.");
    }

    /// <summary>Adjacent blocks merged into ranges; byte lengths are clipped to <paramref name="deviceSize"/>.</summary>
    public static List<BlockRange> ToRanges(IReadOnlyList<long> sortedBlocks, int blockSize, long deviceSize)
    {
        var ranges = new List<BlockRange>();
        var i = 0;
        while (i < sortedBlocks.Count)
        {
            var first = sortedBlocks[i];
            var last = first;
            while (i + 1 < sortedBlocks.Count && sortedBlocks[i + 1] == last + 1)
                last = sortedBlocks[++i];
            i++;
            var offset = first * blockSize;
            var end = Math.Min((last + 1) * blockSize, Math.Max(deviceSize, offset));
            ranges.Add(new BlockRange(first, last - first + 1, offset, end - offset));
        }
        return ranges;
    }

    public static long BytesIn(IReadOnlyList<BlockRange> ranges) => ranges.Sum(r => r.Length);
}
