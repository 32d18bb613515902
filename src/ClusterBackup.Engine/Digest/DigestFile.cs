using System.Buffers.Binary;
using System.Security.Cryptography;
using System.Text;
using ClusterBackup.Engine.Common;

namespace ClusterBackup.Engine.Digest;

/// <summary>
/// Reads and writes digest files (docs/digest-format.md): a header with the format version,
/// algorithm, block size, device size and creation time, the per-block digests, and a trailer
/// with the SHA-256 of everything before it. The same file is the "backup map" of a
/// changed-block backup generation. Writers go through a temporary name and a rename; readers
/// check every field and the checksum and name what is wrong.
/// </summary>
public static class DigestFile
{
    public const ushort FormatVersion = 1;
    public const string Extension = ".cbdigest";
    private static ReadOnlySpan<byte> HeaderMagic => "CBDIGEST"u8;
    private static ReadOnlySpan<byte> TrailerMagic => "CBDTRAIL"u8;
    private const int FixedHeaderLength = 50;
    private const int TrailerLength = 8 + 32;
    private const int MaxLabelBytes = 4096;

    /// <summary>Writes <paramref name="digests"/> to <paramref name="path"/> atomically; <paramref name="source"/> is a label (the path digested).</summary>
    public static void Write(string path, BlockDigestList digests, string source)
    {
        var full = Path.GetFullPath(path);
        var label = Encoding.UTF8.GetBytes(source);
        if (label.Length > MaxLabelBytes)
            label = label[..MaxLabelBytes];
        var header = new byte[FixedHeaderLength + label.Length];
        HeaderMagic.CopyTo(header);
        BinaryPrimitives.WriteUInt16LittleEndian(header.AsSpan(8), FormatVersion);
        BinaryPrimitives.WriteUInt16LittleEndian(header.AsSpan(10), (ushort)header.Length);
        header[12] = (byte)digests.Algorithm;
        header[13] = (byte)digests.DigestLength;
        BinaryPrimitives.WriteUInt32LittleEndian(header.AsSpan(16), (uint)digests.BlockSize);
        BinaryPrimitives.WriteInt64LittleEndian(header.AsSpan(24), digests.DeviceSize);
        BinaryPrimitives.WriteInt64LittleEndian(header.AsSpan(32), digests.BlockCount);
        BinaryPrimitives.WriteInt64LittleEndian(header.AsSpan(40), digests.Created.ToUnixTimeMilliseconds());
        BinaryPrimitives.WriteUInt16LittleEndian(header.AsSpan(48), (ushort)label.Length);
        label.CopyTo(header.AsSpan(FixedHeaderLength));

        using var checksum = IncrementalHash.CreateHash(HashAlgorithmName.SHA256);
        checksum.AppendData(header);
        checksum.AppendData(digests.Digests);
        var trailer = new byte[TrailerLength];
        TrailerMagic.CopyTo(trailer);
        checksum.GetHashAndReset().CopyTo(trailer, 8);

        AtomicFile.Write(full, stream =>
        {
            stream.Write(header);
            stream.Write(digests.Digests);
            stream.Write(trailer);
        }, "the digest file");
    }

    /// <summary>Reads and validates a digest file; any defect is an InvalidData error that names the file and the field.</summary>
    public static BlockDigestList Read(string path)
    {
        var full = Path.GetFullPath(path);
        if (!File.Exists(full))
            throw new ClusterBackupException(ErrorKind.ObjectNotFound, full, $"The digest file '{full}' does not exist.");
        byte[] content;
        try
        {
            content = File.ReadAllBytes(full);
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
        {
            throw new ClusterBackupException(ErrorKind.ReadError, full, $"Cannot read the digest file '{full}': {ex.Message}", ex);
        }
        return Parse(content, full);
    }


    internal static BlockDigestList Parse(byte[] content, string name)
    {
        ClusterBackupException Bad(string why) => new(ErrorKind.InvalidData, name, $"'{name}' is not a valid digest file: {why}.");

        if (content.Length < FixedHeaderLength + TrailerLength)
            throw Bad($"it is {content.Length} bytes, shorter than the smallest digest file ({FixedHeaderLength + TrailerLength} bytes)");
        if (!content.AsSpan(0, 8).SequenceEqual(HeaderMagic))
            throw Bad("it does not start with the CBDIGEST signature");
        var version = BinaryPrimitives.ReadUInt16LittleEndian(content.AsSpan(8));
        if (version != FormatVersion)
            throw Bad($"format version {version} is not supported (this version reads {FormatVersion}{(version > FormatVersion ? "; it was written by a newer ClusterBackup" : "")})");
        var headerLength = BinaryPrimitives.ReadUInt16LittleEndian(content.AsSpan(10));
        var labelLength = BinaryPrimitives.ReadUInt16LittleEndian(content.AsSpan(48));
        if (headerLength != FixedHeaderLength + labelLength || headerLength + TrailerLength > content.Length)
            throw Bad($"the header length {headerLength} does not match its source label ({labelLength} bytes) or the file size");
        var algorithmByte = content[12];
        if (!DigestAlgorithms.IsKnown(algorithmByte))
            throw Bad($"unknown digest algorithm {algorithmByte}");
        var algorithm = (DigestAlgorithm)algorithmByte;
        var digestLength = DigestAlgorithms.DigestLength(algorithm);
        if (content[13] != digestLength)
            throw Bad($"digest length {content[13]} does not match {algorithm} ({digestLength} bytes)");
        var blockSize = BinaryPrimitives.ReadUInt32LittleEndian(content.AsSpan(16));
        if (blockSize < BlockDigestOptions.MinimumBlockSize || blockSize > BlockDigestOptions.MaximumBlockSize)
            throw Bad($"block size {blockSize} is out of range");
        var deviceSize = BinaryPrimitives.ReadInt64LittleEndian(content.AsSpan(24));
        var blockCount = BinaryPrimitives.ReadInt64LittleEndian(content.AsSpan(32));
        if (deviceSize < 0 || blockCount != BlockDigestList.BlockCountFor(deviceSize, (int)blockSize))
            throw Bad($"{blockCount} blocks do not fit a device of {deviceSize} bytes in {blockSize}-byte blocks");
        var expectedLength = headerLength + blockCount * digestLength + TrailerLength;
        if (content.LongLength != expectedLength)
            throw Bad($"it is {content.LongLength} bytes but its header describes {expectedLength} bytes (truncated or padded)");
        var trailerStart = content.Length - TrailerLength;
        if (!content.AsSpan(trailerStart, 8).SequenceEqual(TrailerMagic))
            throw Bad("the trailer signature is missing (the file was not completely written)");
        var actual = SHA256.HashData(content.AsSpan(0, trailerStart));
        if (!actual.AsSpan().SequenceEqual(content.AsSpan(trailerStart + 8, 32)))
            throw Bad("the trailer checksum does not match its contents (the file is damaged)");
        var createdMilliseconds = BinaryPrimitives.ReadInt64LittleEndian(content.AsSpan(40));
        if (createdMilliseconds < DateTimeOffset.MinValue.ToUnixTimeMilliseconds() || createdMilliseconds > DateTimeOffset.MaxValue.ToUnixTimeMilliseconds())
            throw Bad($"its creation time {createdMilliseconds} ms after 1970 is not a date");
        var created = DateTimeOffset.FromUnixTimeMilliseconds(createdMilliseconds);
        var digests = content.AsSpan(headerLength, (int)(blockCount * digestLength)).ToArray();
        return new BlockDigestList(algorithm, (int)blockSize, deviceSize, digests, created);
    }
}
