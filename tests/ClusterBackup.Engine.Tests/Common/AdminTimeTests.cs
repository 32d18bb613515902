using ClusterBackup.Engine.Common;

namespace ClusterBackup.Engine.Tests.Common;

/// <summary>A time without a zone is the admin's local time in both front ends; one with a zone is that instant.</summary>
public class AdminTimeTests
{
    [Fact]
    public void ATimeWithoutAZoneIsLocalTimeInBothFrontEnds()
    {
        var local = new DateTimeOffset(new DateTime(2026, 11, 21, 20, 15, 0, DateTimeKind.Local));
        Assert.True(AdminTime.TryParse("2026-11-21T20:15:00", out var fromCli));
        var fromCmdlet = AdminTime.FromDateTime(new DateTime(2026, 11, 21, 20, 15, 0, DateTimeKind.Unspecified));
        Assert.Equal(local, fromCli);
        Assert.Equal(local, fromCmdlet);
        Assert.Equal(fromCli.UtcDateTime, fromCmdlet.UtcDateTime);
    }

    [Fact]
    public void ATimeWithAZoneIsThatInstant()
    {
        Assert.True(AdminTime.TryParse("2026-11-21T20:15:00Z", out var utc));
        Assert.Equal(new DateTimeOffset(2026, 11, 21, 20, 15, 0, TimeSpan.Zero), utc);
        Assert.True(AdminTime.TryParse("2026-11-21T20:15:00+02:00", out var east));
        Assert.Equal(new DateTimeOffset(2026, 11, 21, 18, 15, 0, TimeSpan.Zero), east.ToUniversalTime());
        Assert.Equal(utc, AdminTime.FromDateTime(new DateTime(2026, 11, 21, 20, 15, 0, DateTimeKind.Utc)));
    }

    [Fact]
    public void NotATimeIsRefused() => Assert.False(AdminTime.TryParse("yesterday at eight", out _));
}
