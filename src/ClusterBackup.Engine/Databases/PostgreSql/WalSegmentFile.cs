using System.Buffers.Binary;

namespace ClusterBackup.Engine.Databases.PostgreSql;

/// <summary>
/// Checks the long page header at the start of a WAL segment file: the page address must be the start of the
/// segment its name says, the segment size must match, and all segments of a chain must come from the same
/// database system (system identifier). Layout (PostgreSQL's XLogLongPageHeaderData, little-endian on the
/// platforms PostgreSQL runs on here): magic u16, info u16, timeline u32, page address u64, remaining length
/// u32, padding u32, system identifier u64, segment size u32, block size u32.
/// </summary>
public static class WalSegmentFile
{
    private const ushort LongHeaderFlag = 0x0002;
    private const int LongHeaderLength = 40;

    public sealed record Header(ushort Magic, ushort Info, uint Timeline, ulong PageAddress, ulong SystemIdentifier, uint SegmentSize, uint BlockSize);

    public static Header ReadHeader(string path)
    {
        Span<byte> buffer = stackalloc byte[LongHeaderLength];
        using var stream = File.OpenRead(path);
        stream.ReadExactly(buffer);
        return new Header(
            BinaryPrimitives.ReadUInt16LittleEndian(buffer[0..]),
            BinaryPrimitives.ReadUInt16LittleEndian(buffer[2..]),
            BinaryPrimitives.ReadUInt32LittleEndian(buffer[4..]),
            BinaryPrimitives.ReadUInt64LittleEndian(buffer[8..]),
            BinaryPrimitives.ReadUInt64LittleEndian(buffer[24..]),
            BinaryPrimitives.ReadUInt32LittleEndian(buffer[32..]),
            BinaryPrimitives.ReadUInt32LittleEndian(buffer[36..]));
    }

    /// <summary>Problems with one segment file, empty when it is what its name says.</summary>
    public static IReadOnlyList<string> Check(string path, long segmentSize, ref ulong? systemIdentifier)
    {
        var name = Path.GetFileName(path);
        var problems = new List<string>();
        if (!WalLocation.TryParseSegmentFileName(name, segmentSize, out _, out var segment))
            return [$"{name} is not a WAL segment file name."];
        var info = new FileInfo(path);
        if (!info.Exists)
            return [$"WAL segment {name} is missing ({path})."];
        if (info.Length != segmentSize)
            return [$"WAL segment {name} is {info.Length} bytes; a segment is {segmentSize} bytes."];
        var header = ReadHeader(path);
        if ((header.Info & LongHeaderFlag) == 0)
            problems.Add($"WAL segment {name} does not start with a long page header.");
        if (header.PageAddress != segment * (ulong)segmentSize)
            problems.Add($"WAL segment {name} starts at {WalLocation.FormatLsn(header.PageAddress)}, not at {WalLocation.FormatLsn(segment * (ulong)segmentSize)} as its name says.");
        if (header.SegmentSize != segmentSize)
            problems.Add($"WAL segment {name} says its segment size is {header.SegmentSize}, not {segmentSize}.");
        if (systemIdentifier is null)
            systemIdentifier = header.SystemIdentifier;
        else if (systemIdentifier != header.SystemIdentifier)
            problems.Add($"WAL segment {name} belongs to database system {header.SystemIdentifier}, not {systemIdentifier} like the rest of the chain.");
        return problems;
    }
}
