using System.Globalization;
using ClusterBackup.Engine.Common;

namespace ClusterBackup.Engine.Databases.PostgreSql;

/// <summary>
/// PostgreSQL WAL arithmetic: LSNs written "X/Y" (high and low 32 bits in hex), segment numbers, and segment
/// file names TTTTTTTTXXXXXXXXYYYYYYYY (timeline, then the segment number split at 4 GiB boundaries).
/// </summary>
public static class WalLocation
{
    public const long DefaultSegmentSize = 16 * 1024 * 1024;

    public static ulong ParseLsn(string text)
    {
        var slash = text.IndexOf('/');
        if (slash <= 0
            || !uint.TryParse(text.AsSpan(0, slash), NumberStyles.HexNumber, CultureInfo.InvariantCulture, out var high)
            || !uint.TryParse(text.AsSpan(slash + 1), NumberStyles.HexNumber, CultureInfo.InvariantCulture, out var low))
            throw new ClusterBackupException(ErrorKind.InvalidData, text, $"'{text}' is not a WAL location (expected X/Y in hex).");
        return ((ulong)high << 32) | low;
    }

    public static string FormatLsn(ulong lsn) => $"{lsn >> 32:X}/{lsn & 0xFFFFFFFF:X}";

    public static ulong SegmentOf(ulong lsn, long segmentSize) => lsn / (ulong)segmentSize;

    /// <summary>The segment holding the last byte before <paramref name="endLsn"/>: the last segment an end position needs.</summary>
    public static ulong LastSegmentBefore(ulong endLsn, long segmentSize) => (endLsn - 1) / (ulong)segmentSize;

    public static string SegmentFileName(uint timeline, ulong segment, long segmentSize)
    {
        var perId = 0x100000000UL / (ulong)segmentSize;
        return $"{timeline:X8}{segment / perId:X8}{segment % perId:X8}";
    }

    public static bool TryParseSegmentFileName(string name, long segmentSize, out uint timeline, out ulong segment)
    {
        timeline = 0;
        segment = 0;
        if (name.Length != 24 || !name.All(Uri.IsHexDigit))
            return false;
        timeline = uint.Parse(name.AsSpan(0, 8), NumberStyles.HexNumber, CultureInfo.InvariantCulture);
        var high = ulong.Parse(name.AsSpan(8, 8), NumberStyles.HexNumber, CultureInfo.InvariantCulture);
        var low = ulong.Parse(name.AsSpan(16, 8), NumberStyles.HexNumber, CultureInfo.InvariantCulture);
        segment = high * (0x100000000UL / (ulong)segmentSize) + low;
        return true;
    }

    public static string HistoryFileName(uint timeline) => $"{timeline:X8}.history";
}
