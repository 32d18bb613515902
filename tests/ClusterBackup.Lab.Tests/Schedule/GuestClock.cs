using System.Globalization;
using ClusterBackup.Lab.Tests.Infrastructure;

namespace ClusterBackup.Lab.Tests.Schedule;

/// <summary>
/// The guest's clock, moved only forward. The schedule tests need the clock at chosen minutes, and they run in any
/// order: a clock set back makes systemd base a timer's next run on a time still ahead of the clock, and a jump of
/// years under a running PostgreSQL broke its connections. So the clock is moved once, years ahead, before
/// PostgreSQL starts, and after that each test moves it days ahead, to the next chosen weekday.
/// </summary>
public static class GuestClock
{
    /// <summary>A Monday after any date the guest's own clock can show.</summary>
    private static readonly DateTime Base = new(2031, 3, 3, 0, 0, 0, DateTimeKind.Utc);

    /// <summary>Moves the clock to <see cref="Base"/> once per guest. Call before <see cref="GuestPostgreSql.EnsureAsync"/>.</summary>
    public static Task<bool> StartAsync(LabFixture lab) => lab.OnceAsync("clock", async guest =>
    {
        await guest.CheckAsync($"date -u -s '{Base:yyyy-MM-dd HH:mm:ss} UTC' >/dev/null");
        return true;
    });

    /// <summary>The guest's clock now, in UTC.</summary>
    public static async Task<DateTime> NowAsync(LabGuest guest) =>
        DateTime.ParseExact((await guest.CheckAsync("date -u +%FT%T")).Trim(), "yyyy-MM-ddTHH:mm:ss", CultureInfo.InvariantCulture,
            DateTimeStyles.AdjustToUniversal | DateTimeStyles.AssumeUniversal);

    /// <summary>The first <paramref name="day"/> at <paramref name="time"/> at least a day after <paramref name="now"/>, so no
    /// weekly run of that time falls between the two.</summary>
    public static DateTime Next(DateTime now, DayOfWeek day, TimeOnly time)
    {
        var date = now.Date.AddDays(1);
        while (date.DayOfWeek != day)
            date = date.AddDays(1);
        return DateTime.SpecifyKind(date + time.ToTimeSpan(), DateTimeKind.Utc);
    }

    /// <summary>The UTC time as the tests write it to <c>date -s</c> and read it from systemd: "yyyy-MM-dd HH:mm:ss".</summary>
    public static string Format(DateTime utc) => utc.ToString("yyyy-MM-dd HH:mm:ss", CultureInfo.InvariantCulture);
}
