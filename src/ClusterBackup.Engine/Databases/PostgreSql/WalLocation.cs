using System.Globalization;

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

/// <summary>
/// A timeline's ancestry from its .history file: which timeline holds which WAL. Each line of the file is
/// "parent-timeline TAB switch-LSN TAB reason"; the child begins at the switch LSN. Recovery reads a segment
/// from the newest timeline that had begun by that segment, and so does the log backup.
/// </summary>
public sealed class TimelineHistory
{
    private readonly List<(uint Timeline, ulong Begin)> _timelines;

    private TimelineHistory(List<(uint, ulong)> timelines) => _timelines = timelines;

    public uint Current => _timelines[^1].Timeline;

    public IEnumerable<uint> Timelines => _timelines.Select(t => t.Timeline);

    public static TimelineHistory First => new([(1u, 0UL)]);

    /// <summary>Parses the history file of <paramref name="timeline"/>; <paramref name="source"/> names it in errors.</summary>
    public static TimelineHistory Parse(uint timeline, string text, string source)
    {
        var list = new List<(uint, ulong)>();
        ulong begin = 0;
        foreach (var raw in text.Split('\n'))
        {
            var line = raw.Trim();
            if (line.Length == 0 || line.StartsWith('#'))
                continue;
            var fields = line.Split('\t', ' ');
            if (fields.Length < 2 || !uint.TryParse(fields[0], out var parent))
                throw new ClusterBackupException(ErrorKind.InvalidData, source, $"Timeline history '{source}' has a line that is not 'timeline<TAB>LSN': '{line}'.");
            list.Add((parent, begin));
            begin = WalLocation.ParseLsn(fields[1]);
        }
        list.Add((timeline, begin));
        for (var i = 1; i < list.Count; i++)
            if (list[i].Item1 <= list[i - 1].Item1 || list[i].Item2 < list[i - 1].Item2)
                throw new ClusterBackupException(ErrorKind.InvalidData, source, $"Timeline history '{source}' is not in ascending order.");
        return new TimelineHistory(list);
    }

    /// <summary>The timeline whose file holds <paramref name="segment"/> on the way to the current timeline.</summary>
    public uint TimelineOfSegment(ulong segment, long segmentSize)
    {
        var result = _timelines[0].Timeline;
        foreach (var (tli, begin) in _timelines)
            if (WalLocation.SegmentOf(begin, segmentSize) <= segment)
                result = tli;
        return result;
    }
}
