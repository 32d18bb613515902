using System.Globalization;

namespace ClusterBackup.Engine.Schedule;

/// <summary>
/// When a job starts, in the schedule's time zone (wall-clock time, as Task Scheduler, systemd and cron read it).
/// On each of <see cref="Days"/> the job starts at <see cref="At"/>; with <see cref="EveryHours"/> it starts again
/// every N hours while the start is before <see cref="Until"/>. A window whose Until is not after At runs past
/// midnight into the next day (at 22:00 every 2 hours until 04:00 starts at 22:00, 00:00 and 02:00); the day named
/// is the day the window opens. Without Until the window is a whole day.
/// </summary>
public sealed record Recurrence
{
    public IReadOnlyList<DayOfWeek> Days { get; init; } = [];

    public TimeOnly At { get; init; }

    public int? EveryHours { get; init; }

    public TimeOnly? Until { get; init; }

    public static readonly IReadOnlyList<DayOfWeek> EveryDay =
        [DayOfWeek.Monday, DayOfWeek.Tuesday, DayOfWeek.Wednesday, DayOfWeek.Thursday, DayOfWeek.Friday, DayOfWeek.Saturday, DayOfWeek.Sunday];

    /// <summary>The starts of one window, as offsets from midnight of the day it opens (may exceed 24 hours).</summary>
    public IReadOnlyList<TimeSpan> StartsInWindow()
    {
        var first = At.ToTimeSpan();
        if (EveryHours is not { } hours)
            return [first];
        var length = Until is { } until ? until.ToTimeSpan() - first : TimeSpan.FromDays(1);
        if (length <= TimeSpan.Zero)
            length += TimeSpan.FromDays(1);
        var starts = new List<TimeSpan>();
        for (var offset = TimeSpan.Zero; offset < length; offset += TimeSpan.FromHours(hours))
            starts.Add(first + offset);
        return starts;
    }

    /// <summary>
    /// Every start of a week as (day of week, time of day) in wall-clock time, sorted Monday first. This is what the
    /// exports write and what their round trip is compared against.
    /// </summary>
    public IReadOnlyList<WeeklySlot> WeeklySlots()
    {
        var slots = new SortedSet<WeeklySlot>();
        foreach (var day in Days.Distinct())
            foreach (var start in StartsInWindow())
            {
                var dayOffset = (int)Math.Floor(start.TotalDays);
                var dayOfWeek = (DayOfWeek)(((int)day + dayOffset) % 7);
                slots.Add(new WeeklySlot(dayOfWeek, TimeOnly.FromTimeSpan(start - TimeSpan.FromDays(dayOffset))));
            }
        return slots.ToList();
    }

    /// <summary>"Mon,Thu 01:00" or "every day 02:30, every 3 h until 00:00": for tables and the week drawing.</summary>
    public string Describe()
    {
        var days = Days.Count == 7 ? "every day" : string.Join(",", Days.OrderBy(WeeklySlot.MondayFirst).Select(d => d.ToString()[..3]));
        var text = $"{days} {At.ToString("HH:mm", CultureInfo.InvariantCulture)}";
        if (EveryHours is { } hours)
            text += $", every {hours} h" + (Until is { } until ? $" until {until.ToString("HH:mm", CultureInfo.InvariantCulture)}" : "");
        return text;
    }
}

/// <summary>One start in the week: a day and a wall-clock time of day, to the minute.</summary>
public readonly record struct WeeklySlot(DayOfWeek Day, TimeOnly Time) : IComparable<WeeklySlot>
{
    public static int MondayFirst(DayOfWeek day) => ((int)day + 6) % 7;

    public int CompareTo(WeeklySlot other)
    {
        var byDay = MondayFirst(Day).CompareTo(MondayFirst(other.Day));
        return byDay != 0 ? byDay : Time.CompareTo(other.Time);
    }

    public override string ToString() => $"{Day.ToString()[..3]} {Time.ToString("HH:mm", CultureInfo.InvariantCulture)}";
}
