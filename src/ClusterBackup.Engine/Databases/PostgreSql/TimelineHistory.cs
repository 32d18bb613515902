using ClusterBackup.Engine.Common;

namespace ClusterBackup.Engine.Databases.PostgreSql;

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
