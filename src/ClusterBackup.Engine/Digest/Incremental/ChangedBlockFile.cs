using System.Buffers.Binary;
using System.Security.Cryptography;
using ClusterBackup.Engine.Common;

namespace ClusterBackup.Engine.Digest.Incremental;

/// <summary>
/// The changed blocks of one generation (docs/digest-format.md, "changed-block file"): a header
/// (version, generation, block size, device size, block count), the block numbers, the block data
/// in that order (the device's last block may be short), and a SHA-256 trailer over everything before it.
/// </summary>
public static class ChangedBlockFile
{
    public const ushort FormatVersion = 1;
    public const string Extension = ".cbblocks";
    private static ReadOnlySpan<byte> HeaderMagic => "CBBLOCKS"u8;
    private static ReadOnlySpan<byte> TrailerMagic => "CBBTRAIL"u8;
    private const int HeaderLength = 48;
    private const int TrailerLength = 40;

    /// <summary>Writes the blocks atomically and returns (bytes written, SHA-256 hex of the file body).</summary>
    public static (long Bytes, string Sha256) Write(string path, int generation, BlockStorage source, int blockSize, IReadOnlyList<long> blocks, CancellationToken token)
    {
        using var checksum = IncrementalHash.CreateHash(HashAlgorithmName.SHA256);
        return AtomicFile.Write(path, stream =>
        {
            var header = new byte[HeaderLength];
            HeaderMagic.CopyTo(header);
            BinaryPrimitives.WriteUInt16LittleEndian(header.AsSpan(8), FormatVersion);
            BinaryPrimitives.WriteInt32LittleEndian(header.AsSpan(12), generation);
            BinaryPrimitives.WriteInt32LittleEndian(header.AsSpan(16), blockSize);
            BinaryPrimitives.WriteInt64LittleEndian(header.AsSpan(24), source.Length);
            BinaryPrimitives.WriteInt64LittleEndian(header.AsSpan(32), blocks.Count);
            Emit(stream, checksum, header);
            var index = new byte[blocks.Count * 8L];
            for (var i = 0; i < blocks.Count; i++)
                BinaryPrimitives.WriteInt64LittleEndian(index.AsSpan(i * 8), blocks[i]);
            Emit(stream, checksum, index);
            var buffer = new byte[blockSize];
            foreach (var block in blocks)
            {
                token.ThrowIfCancellationRequested();
                var length = (int)Math.Min(blockSize, source.Length - block * blockSize);
                if (source.ReadAt(block * blockSize, buffer.AsSpan(0, length)) != length)
                    throw new ClusterBackupException(ErrorKind.ReadError, source.Path, $"'{source.Path}' ended early at block {block}.");
                Emit(stream, checksum, buffer.AsSpan(0, length));
            }
            var hash = checksum.GetHashAndReset();
            stream.Write(TrailerMagic);
            stream.Write(hash);
            return (stream.Length, Convert.ToHexString(hash).ToLowerInvariant());
        }, "the changed-block file", overwrite: false);
    }

    /// <summary>
    /// Applies a generation's blocks to <paramref name="target"/> and sets its size. The trailer checksum is
    /// checked at the end; on a mismatch the caller must discard the target (restores write to a temporary file).
    /// </summary>
    public static void ApplyTo(string path, int expectedGeneration, int expectedBlockSize, BlockStorage target, CancellationToken token)
    {
        ClusterBackupException Bad(string why) => new(ErrorKind.InvalidData, path, $"The changed-block file '{path}' is not valid: {why}.");
        if (!File.Exists(path))
            throw new ClusterBackupException(ErrorKind.ObjectNotFound, path, $"The changed-block file '{path}' of generation {expectedGeneration} is missing from the store.");
        using var stream = new FileStream(path, FileMode.Open, FileAccess.Read, FileShare.Read, 1 << 20);
        using var checksum = IncrementalHash.CreateHash(HashAlgorithmName.SHA256);
        if (stream.Length < HeaderLength + TrailerLength)
            throw Bad("it is shorter than a header and a trailer");
        var header = ReadExactly(stream, HeaderLength, checksum);
        if (!header.AsSpan(0, 8).SequenceEqual(HeaderMagic))
            throw Bad("it does not start with the CBBLOCKS signature");
        var version = BinaryPrimitives.ReadUInt16LittleEndian(header.AsSpan(8));
        if (version != FormatVersion)
            throw Bad($"format version {version} is not supported (this version reads {FormatVersion})");
        var generation = BinaryPrimitives.ReadInt32LittleEndian(header.AsSpan(12));
        var blockSize = BinaryPrimitives.ReadInt32LittleEndian(header.AsSpan(16));
        var deviceSize = BinaryPrimitives.ReadInt64LittleEndian(header.AsSpan(24));
        var count = BinaryPrimitives.ReadInt64LittleEndian(header.AsSpan(32));
        if (generation != expectedGeneration || blockSize != expectedBlockSize)
            throw Bad($"it holds generation {generation} with {blockSize}-byte blocks; the catalog expects generation {expectedGeneration} with {expectedBlockSize}-byte blocks");
        if (deviceSize < 0)
            throw Bad($"the device size {deviceSize} is negative");
        var blockCount = BlockDigestList.BlockCountFor(deviceSize, blockSize);
        if (count < 0 || count > blockCount)
            throw Bad($"{count} blocks do not fit a device of {deviceSize} bytes");
        // The index is read whole, so its size is checked against the file before anything is allocated.
        if (count > (stream.Length - HeaderLength - TrailerLength) / 8)
            throw Bad($"it is {stream.Length} bytes, too short for an index of {count} blocks");
        var index = ReadExactly(stream, checked((int)(count * 8)), checksum);
        long dataBytes = 0;
        for (var i = 0; i < count; i++)
        {
            var block = BinaryPrimitives.ReadInt64LittleEndian(index.AsSpan(i * 8));
            if (block < 0 || block >= blockCount)
                throw Bad($"block number {block} is outside the device");
            dataBytes += Math.Min(blockSize, deviceSize - block * blockSize);
        }
        if (stream.Length != HeaderLength + count * 8 + dataBytes + TrailerLength)
            throw Bad($"it is {stream.Length} bytes but its header and index describe {HeaderLength + count * 8 + dataBytes + TrailerLength} bytes");
        try
        {
            target.SetLength(deviceSize);
        }
        catch (Exception ex) when (ex is ArgumentOutOfRangeException or IOException)
        {
            throw new ClusterBackupException(ErrorKind.WriteError, path,
                $"The changed-block file '{path}' describes a device of {deviceSize} bytes, which its restore target cannot hold: {ex.Message}", ex);
        }
        var buffer = new byte[blockSize];
        for (var i = 0; i < count; i++)
        {
            token.ThrowIfCancellationRequested();
            var block = BinaryPrimitives.ReadInt64LittleEndian(index.AsSpan(i * 8));
            var length = (int)Math.Min(blockSize, deviceSize - block * blockSize);
            stream.ReadExactly(buffer, 0, length);
            checksum.AppendData(buffer, 0, length);
            target.WriteAt(block * blockSize, buffer.AsSpan(0, length));
        }
        var trailer = new byte[TrailerLength];
        stream.ReadExactly(trailer);
        if (!trailer.AsSpan(0, 8).SequenceEqual(TrailerMagic))
            throw Bad("the trailer signature is missing (the file was not completely written)");
        if (!checksum.GetHashAndReset().AsSpan().SequenceEqual(trailer.AsSpan(8)))
            throw Bad("the trailer checksum does not match its contents (the file is damaged)");
    }

    private static byte[] ReadExactly(Stream stream, int length, IncrementalHash checksum)
    {
        var buffer = new byte[length];
        stream.ReadExactly(buffer);
        checksum.AppendData(buffer);
        return buffer;
    }

    private static void Emit(Stream stream, IncrementalHash checksum, ReadOnlySpan<byte> data)
    {
        stream.Write(data);
        checksum.AppendData(data);
    }
}
