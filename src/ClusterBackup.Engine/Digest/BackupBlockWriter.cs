using ClusterBackup.Engine.Common;

namespace ClusterBackup.Engine.Digest;

/// <summary>
/// The backup side of a repair: writes the primary's blocks in place, and on commit sets the final size,
/// flushes to disk, and re-reads the written blocks to digest them. Shared by local and remote repair.
/// </summary>
internal sealed class BackupBlockWriter(BlockStorage backup, DigestAlgorithm algorithm, int blockSize, IOperationReporter reporter)
{
    private readonly List<(long Block, int Length)> _written = [];

    public int BlocksWritten => _written.Count;

    public void Write(long block, ReadOnlySpan<byte> data)
    {
        if (data.Length > blockSize)
            throw new ClusterBackupException(ErrorKind.InvalidData, backup.Path, $"Block {block} arrived with {data.Length} bytes; blocks are {blockSize} bytes.");
        backup.WriteAt(block * blockSize, data);
        _written.Add((block, data.Length));
    }

    /// <summary>Sets the final size, flushes, and returns the re-read digests of the written blocks, in write order.</summary>
    public byte[] Commit(long finalSize)
    {
        if (backup.IsDevice && finalSize != backup.Length)
            reporter.Warning($"The block device '{backup.Path}' is {backup.Length} bytes and the primary {finalSize} bytes; a device keeps its size, so the bytes past {Math.Min(finalSize, backup.Length)} were not made equal.");
        backup.SetLength(finalSize);
        backup.Flush();
        // Digest exactly the bytes written: on a device larger than the primary, the primary's short last block
        // is followed by bytes of the device that are not part of the comparison.
        return BlockDigestEngine.ComputeBlocks(backup, algorithm, blockSize, _written);
    }
}
