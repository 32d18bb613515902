using System.Buffers.Binary;
using ClusterBackup.Engine.Common;

namespace ClusterBackup.Engine.Tape.Format;

/// <summary>Constants of the on-tape format (docs/tape-format.md, version 2).</summary>
public static class TapeFormat
{
    /// <summary>The version every writer writes: 2, whose session headers carry the writer's fencing token.</summary>
    public const ushort Version = 2;
    /// <summary>The oldest version a reader still reads: 1, the same layout without the writer's token (token 0).</summary>
    public const ushort OldestReadableVersion = 1;
    /// <summary>"CBTB" as a little-endian u32.</summary>
    public const uint Magic = 0x42544243;
    public const int BlockHeaderLength = 64;
    public const int RecordHeaderLength = 32;
    public const int DefaultBlockSize = 256 * 1024;
    public const int MinBlockSize = 64 * 1024;
    public const int MaxBlockSize = 4 * 1024 * 1024;

    /// <summary>How many object bytes one record can carry in a block of <paramref name="blockSize"/>.</summary>
    public static int MaxRecordData(int blockSize) => blockSize - BlockHeaderLength - RecordHeaderLength;

    public static int PayloadCapacity(int blockSize) => blockSize - BlockHeaderLength;

    /// <summary>
    /// The smallest early-warning zone that lets a writer of <paramref name="blockSize"/>-byte blocks span cleanly: it must hold the
    /// block during which early warning is signalled and the EndOfVolume block after it, each with its 8 bytes of length words on a
    /// virtual cartridge, and the file mark and end marker (8 bytes). A smaller zone runs into the end of the medium before the writer
    /// is warned, and every retry fails there again.
    /// </summary>
    public static long MinimumEarlyWarningBytes(int blockSize) => 2L * (blockSize + 8) + 8;

    /// <summary>Whether this reader reads blocks and labels of format <paramref name="version"/>.</summary>
    public static bool IsReadable(int version) => version is >= OldestReadableVersion and <= Version;

    /// <summary>The versions this reader knows, for its refusals.</summary>
    public static string ReadableVersions => $"versions {OldestReadableVersion} to {Version}";

    /// <summary>Throws unless <paramref name="blockSize"/> is a multiple of 4096 from 64 KiB to 4 MiB.</summary>
    public static void ValidateBlockSize(int blockSize, string target)
    {
        if (blockSize < MinBlockSize || blockSize > MaxBlockSize || blockSize % 4096 != 0)
            throw new ClusterBackupException(ErrorKind.InvalidArgument, target,
                $"Block size {blockSize} of '{target}' is not allowed: it must be a multiple of 4096 from {MinBlockSize} to {MaxBlockSize} bytes.");
    }
}

public enum TapeRecordType : byte
{
    VolumeLabel = 1,
    SessionStart = 2,
    SessionEnd = 3,
    ObjectData = 4,
    ObjectEnd = 5,
    EndOfVolume = 6,
    SessionContinue = 7,
}

[Flags]
public enum TapeRecordFlags : byte
{
    None = 0,
    Start = 1,
    Continue = 2,
    End = 4,
}

/// <summary>The 64-byte block header.</summary>
public readonly record struct TapeBlockHeader(int BlockSize, int PayloadLength, Guid VolumeId, long BlockNumber, Guid SessionId, uint PayloadCrc)
{
    /// <summary>Writes the header, including its own CRC, into the first 64 bytes of <paramref name="target"/>.</summary>
    public void Write(Span<byte> target)
    {
        BinaryPrimitives.WriteUInt32LittleEndian(target, TapeFormat.Magic);
        BinaryPrimitives.WriteUInt16LittleEndian(target[4..], TapeFormat.Version);
        BinaryPrimitives.WriteUInt16LittleEndian(target[6..], TapeFormat.BlockHeaderLength);
        BinaryPrimitives.WriteInt32LittleEndian(target[8..], BlockSize);
        BinaryPrimitives.WriteInt32LittleEndian(target[12..], PayloadLength);
        VolumeId.TryWriteBytes(target[16..]);
        BinaryPrimitives.WriteInt64LittleEndian(target[32..], BlockNumber);
        SessionId.TryWriteBytes(target[40..]);
        BinaryPrimitives.WriteUInt32LittleEndian(target[56..], PayloadCrc);
        BinaryPrimitives.WriteUInt32LittleEndian(target[60..], Crc32C.Compute(target[..60]));
    }

    /// <summary>
    /// Parses and checks the fixed fields (magic, version, header length, header CRC). The caller checks
    /// the fields that depend on context (block size, volume, block number, session, payload CRC).
    /// </summary>
    public static TapeBlockHeader Parse(ReadOnlySpan<byte> block, string barcode, long expectedBlock)
    {
        if (block.Length < TapeFormat.BlockHeaderLength)
            throw TapeFormatException.At(barcode, expectedBlock, $"the tape block is {block.Length} bytes, shorter than a block header");
        var magic = BinaryPrimitives.ReadUInt32LittleEndian(block);
        if (magic != TapeFormat.Magic)
            throw TapeFormatException.At(barcode, expectedBlock, $"bad magic 0x{magic:X8}; this is not a ClusterBackup tape block");
        var version = BinaryPrimitives.ReadUInt16LittleEndian(block[4..]);
        if (!TapeFormat.IsReadable(version))
            throw TapeFormatException.At(barcode, expectedBlock, $"format version {version} is not supported (this reader knows {TapeFormat.ReadableVersions})");
        var headerLength = BinaryPrimitives.ReadUInt16LittleEndian(block[6..]);
        if (headerLength != TapeFormat.BlockHeaderLength)
            throw TapeFormatException.At(barcode, expectedBlock, $"header length {headerLength} is not {TapeFormat.BlockHeaderLength}");
        var headerCrc = BinaryPrimitives.ReadUInt32LittleEndian(block[60..]);
        var actual = Crc32C.Compute(block[..60]);
        if (headerCrc != actual)
            throw TapeFormatException.At(barcode, expectedBlock, $"block header checksum mismatch (stored 0x{headerCrc:X8}, computed 0x{actual:X8})");
        return new TapeBlockHeader(
            BinaryPrimitives.ReadInt32LittleEndian(block[8..]),
            BinaryPrimitives.ReadInt32LittleEndian(block[12..]),
            new Guid(block.Slice(16, 16)),
            BinaryPrimitives.ReadInt64LittleEndian(block[32..]),
            new Guid(block.Slice(40, 16)),
            BinaryPrimitives.ReadUInt32LittleEndian(block[56..]));
    }
}

/// <summary>The 32-byte record header.</summary>
public readonly record struct TapeRecordHeader(TapeRecordType Type, TapeRecordFlags Flags, int DataLength, Guid ObjectId, long Sequence)
{
    public int TotalLength => TapeFormat.RecordHeaderLength + DataLength;

    public void Write(Span<byte> target)
    {
        target[0] = (byte)Type;
        target[1] = (byte)Flags;
        target[2] = 0;
        target[3] = 0;
        BinaryPrimitives.WriteInt32LittleEndian(target[4..], DataLength);
        ObjectId.TryWriteBytes(target[8..]);
        BinaryPrimitives.WriteInt64LittleEndian(target[24..], Sequence);
    }

    /// <summary>Parses one record header at the start of <paramref name="rest"/> (what is left of the payload) and checks every field.</summary>
    public static TapeRecordHeader Parse(ReadOnlySpan<byte> rest, string barcode, long block, int offset)
    {
        if (rest.Length < TapeFormat.RecordHeaderLength)
            throw TapeFormatException.At(barcode, block, $"a record header at payload offset {offset} is cut short ({rest.Length} bytes left)");
        var type = (TapeRecordType)rest[0];
        if (!Enum.IsDefined(type))
            throw TapeFormatException.At(barcode, block, $"unknown record type {rest[0]} at payload offset {offset}");
        var flags = (TapeRecordFlags)rest[1];
        if ((rest[1] & ~0x07) != 0 || (type != TapeRecordType.ObjectData && flags != TapeRecordFlags.None)
            || (flags.HasFlag(TapeRecordFlags.Start) && flags.HasFlag(TapeRecordFlags.Continue))
            || (type == TapeRecordType.ObjectData && flags == TapeRecordFlags.None))
            throw TapeFormatException.At(barcode, block, $"invalid flags 0x{rest[1]:X2} on a {type} record at payload offset {offset}");
        if (rest[2] != 0 || rest[3] != 0)
            throw TapeFormatException.At(barcode, block, $"reserved bytes are not zero in the record at payload offset {offset}");
        var length = BinaryPrimitives.ReadInt32LittleEndian(rest[4..]);
        if (length < 0 || length > rest.Length - TapeFormat.RecordHeaderLength)
            throw TapeFormatException.At(barcode, block, $"record data length {length} at payload offset {offset} runs past the payload ({rest.Length - TapeFormat.RecordHeaderLength} bytes left)");
        var sequence = BinaryPrimitives.ReadInt64LittleEndian(rest[24..]);
        if (sequence < 0)
            throw TapeFormatException.At(barcode, block, $"negative sequence number in the record at payload offset {offset}");
        return new TapeRecordHeader(type, flags, length, new Guid(rest.Slice(8, 16)), sequence);
    }
}
