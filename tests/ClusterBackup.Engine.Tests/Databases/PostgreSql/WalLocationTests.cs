using ClusterBackup.Engine.Common;
using ClusterBackup.Engine.Databases.PostgreSql;

namespace ClusterBackup.Engine.Tests.Databases.PostgreSql;

public class WalLocationTests
{
    private const long Seg = WalLocation.DefaultSegmentSize;

    [Theory]
    [InlineData("0/3000028", 3UL, "000000010000000000000003")]
    [InlineData("0/FF000000", 255UL, "0000000100000000000000FF")]
    [InlineData("1/0", 256UL, "000000010000000100000000")]
    [InlineData("2A/1C000060", 42UL * 256 + 0x1C, "000000010000002A0000001C")]
    public void SegmentNamesFollowPostgreSql(string lsn, ulong segment, string name)
    {
        Assert.Equal(segment, WalLocation.SegmentOf(WalLocation.ParseLsn(lsn), Seg));
        Assert.Equal(name, WalLocation.SegmentFileName(1, segment, Seg));
        Assert.True(WalLocation.TryParseSegmentFileName(name, Seg, out var tli, out var parsed));
        Assert.Equal(1u, tli);
        Assert.Equal(segment, parsed);
        Assert.Equal(WalLocation.ParseLsn(lsn), WalLocation.ParseLsn(WalLocation.FormatLsn(WalLocation.ParseLsn(lsn))));
    }

    [Fact]
    public void AnEndOnASegmentBoundaryNeedsOnlyTheSegmentBefore()
    {
        Assert.Equal(3UL, WalLocation.LastSegmentBefore(WalLocation.ParseLsn("0/4000000"), Seg));
        Assert.Equal(4UL, WalLocation.LastSegmentBefore(WalLocation.ParseLsn("0/4000078"), Seg));
    }

    [Fact]
    public void TimelineHistoryPicksTheNewestTimelineThatHadBegun()
    {
        var history = TimelineHistory.Parse(3, "1\t0/50000A0\tno recovery target specified\n\n2\t0/7000000\tno recovery target specified\n", "00000003.history");
        Assert.Equal([1u, 2u, 3u], history.Timelines);
        Assert.Equal(1u, history.TimelineOfSegment(4, Seg));
        Assert.Equal(2u, history.TimelineOfSegment(5, Seg));
        Assert.Equal(2u, history.TimelineOfSegment(6, Seg));
        Assert.Equal(3u, history.TimelineOfSegment(7, Seg));
    }

    [Theory]
    [InlineData("3/")]
    [InlineData("nonsense")]
    public void BadLocationsAreRefused(string text) => Assert.Throws<ClusterBackupException>(() => WalLocation.ParseLsn(text));
}
