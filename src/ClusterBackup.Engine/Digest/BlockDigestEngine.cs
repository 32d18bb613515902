using ClusterBackup.Engine.Common;

namespace ClusterBackup.Engine.Digest;

/// <summary>
/// Computes block digests of a file or device in parallel: the blocks are cut into one contiguous
/// region per worker (aligned to groups), and each worker reads its region front to back in large
/// sequential reads, so every stream the disk sees is sequential while all cores hash.
/// </summary>
public static class BlockDigestEngine
{
    /// <summary>Bytes one worker reads per call: large enough to amortise the system call, small enough to stay in cache.</summary>
    private const int ReadChunkBytes = 1024 * 1024;

    public static BlockDigestList Compute(BlockStorage storage, BlockDigestOptions options, IOperationReporter? reporter = null,
        string? activity = null, CancellationToken cancellationToken = default)
    {
        options.Validate();
        reporter ??= NullOperationReporter.Instance;
        activity ??= $"Digesting {storage.Path}";
        var size = storage.Length;
        var digestLength = DigestAlgorithms.DigestLength(options.Algorithm);
        if (size > BlockDigestList.MaxDeviceSizeFor(options.BlockSize, digestLength))
            throw new ClusterBackupException(ErrorKind.InvalidArgument, storage.Path,
                $"'{storage.Path}' ({size} bytes) needs more than {Array.MaxLength} bytes of digests at {options.BlockSize}-byte blocks; use a larger -BlockSize.");
        var blockCount = BlockDigestList.BlockCountFor(size, options.BlockSize);
        var digests = new byte[blockCount * digestLength];
        var regions = SplitIntoRegions(blockCount, options.GroupBlocks, options.EffectiveParallelism);
        long done = 0;
        var lastPercent = -1;
        var gate = new object();

        Parallel.ForEach(regions, new ParallelOptions { MaxDegreeOfParallelism = regions.Count, CancellationToken = cancellationToken }, region =>
        {
            var blocksPerChunk = Math.Max(1, ReadChunkBytes / options.BlockSize);
            var buffer = new byte[(long)blocksPerChunk * options.BlockSize];
            using var hasher = DigestAlgorithms.CreateHasher(options.Algorithm);
            for (var block = region.First; block < region.End; block += blocksPerChunk)
            {
                cancellationToken.ThrowIfCancellationRequested();
                var count = (int)Math.Min(blocksPerChunk, region.End - block);
                var offset = block * options.BlockSize;
                var wanted = (int)Math.Min((long)count * options.BlockSize, size - offset);
                var read = storage.ReadAt(offset, buffer.AsSpan(0, wanted));
                if (read < wanted)
                    throw new ClusterBackupException(ErrorKind.ReadError, storage.Path,
                        $"'{storage.Path}' ended at {offset + read} bytes while reading; it was {size} bytes when opened (was it truncated?).");
                for (var i = 0; i < count; i++)
                {
                    var length = Math.Min(options.BlockSize, wanted - i * options.BlockSize);
                    hasher.Hash(buffer.AsSpan(i * options.BlockSize, length),
                        digests.AsSpan(checked((int)((block + i) * digestLength)), digestLength));
                }
                var total = Interlocked.Add(ref done, count);
                var percent = blockCount == 0 ? 100 : (int)(total * 100 / blockCount);
                if (percent != Volatile.Read(ref lastPercent))
                {
                    lock (gate)
                    {
                        if (percent > lastPercent)
                        {
                            lastPercent = percent;
                            reporter.Progress(activity, $"{total} of {blockCount} blocks", percent);
                        }
                    }
                }
            }
        });
        reporter.Completed(activity);
        return new BlockDigestList(options.Algorithm, options.BlockSize, size, digests, DateTimeOffset.UtcNow);
    }

    /// <summary>Digests of selected blocks only, each over the given number of bytes (re-verification after a repair).</summary>
    public static byte[] ComputeBlocks(BlockStorage storage, DigestAlgorithm algorithm, int blockSize, IReadOnlyList<(long Block, int Length)> blocks)
    {
        var digestLength = DigestAlgorithms.DigestLength(algorithm);
        var result = new byte[blocks.Count * digestLength];
        var size = storage.Length;
        Parallel.For(0, blocks.Count, new ParallelOptions { MaxDegreeOfParallelism = Environment.ProcessorCount },
            () => new byte[blockSize],
            (i, _, buffer) =>
            {
                var offset = blocks[i].Block * blockSize;
                var wanted = (int)Math.Max(0, Math.Min(blocks[i].Length, size - offset));
                var read = storage.ReadAt(offset, buffer.AsSpan(0, wanted));
                DigestAlgorithms.Hash(algorithm, buffer.AsSpan(0, read), result.AsSpan(i * digestLength, digestLength));
                return buffer;
            },
            _ => { });
        return result;
    }

    internal readonly record struct Region(long First, long End);

    /// <summary>Contiguous block ranges, one per worker, each starting on a group boundary.</summary>
    internal static List<Region> SplitIntoRegions(long blockCount, int groupBlocks, int workers)
    {
        var regions = new List<Region>();
        if (blockCount == 0)
            return [new Region(0, 0)];
        var groups = BlockDigestList.GroupCountFor(blockCount, groupBlocks);
        var groupsPerRegion = Math.Max(1, (groups + workers - 1) / workers);
        for (long group = 0; group < groups; group += groupsPerRegion)
        {
            var first = group * groupBlocks;
            var end = Math.Min(blockCount, (group + groupsPerRegion) * groupBlocks);
            regions.Add(new Region(first, end));
        }
        return regions;
    }
}
