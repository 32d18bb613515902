namespace ClusterBackup.Engine.Schedule;

/// <summary>
/// Turns recurrences into concrete runs over a horizon, in the schedule's time zone. Wall-clock rules, which the
/// daylight-saving tests pin down: a start in the hour that is skipped in spring runs that much later (02:30 becomes
/// 03:30), and a start in the hour that repeats in autumn runs once, at its first occurrence.
/// </summary>
public static class ScheduleExpander
{
    /// <summary>Runs of enabled jobs that start in [from, to), ordered by start.</summary>
    public static IReadOnlyList<ScheduleOccurrence> Expand(BackupSchedule schedule, DateTimeOffset from, DateTimeOffset to,
        Func<ScheduledJob, TimeSpan>? duration = null)
    {
        var zone = schedule.ResolveTimeZone();
        duration ??= j => j.ExpectedDuration;
        var occurrences = new List<ScheduleOccurrence>();
        // Windows open on a local date and may run into the next one, so start a day early.
        var firstDate = TimeZoneInfo.ConvertTime(from, zone).Date.AddDays(-1);
        var lastDate = TimeZoneInfo.ConvertTime(to, zone).Date;
        foreach (var job in schedule.Jobs.Where(j => j.Enabled))
        {
            var length = duration(job);
            var starts = job.Recurrence.StartsInWindow();
            for (var date = firstDate; date <= lastDate; date = date.AddDays(1))
            {
                if (!job.Recurrence.Days.Contains(date.DayOfWeek))
                    continue;
                foreach (var offset in starts)
                {
                    var local = DateTime.SpecifyKind(date + offset, DateTimeKind.Unspecified);
                    var (start, shifted) = ToInstant(local, zone);
                    if (start >= from && start < to)
                        occurrences.Add(new ScheduleOccurrence(job, start, start + length, local, TimeZoneInfo.ConvertTime(start, zone), shifted));
                }
            }
        }
        return occurrences.OrderBy(o => o.Start).ThenBy(o => o.Job.Name, StringComparer.Ordinal).ToList();
    }

    /// <summary>The instant a wall-clock time names in a zone, with the daylight-saving rules above.</summary>
    public static (DateTimeOffset Instant, bool Shifted) ToInstant(DateTime local, TimeZoneInfo zone)
    {
        // The offset in force before any transition on this day: used for skipped and repeated times alike,
        // which moves a skipped time forward by the gap and picks the first of a repeated one.
        var offsetBefore = zone.GetUtcOffset(local.AddHours(-12));
        if (zone.IsInvalidTime(local))
            return (new DateTimeOffset(local - offsetBefore, TimeSpan.Zero), true);
        if (zone.IsAmbiguousTime(local))
        {
            var offsets = zone.GetAmbiguousTimeOffsets(local);
            var first = offsets.Contains(offsetBefore) ? offsetBefore : offsets.Max();
            return (new DateTimeOffset(local, first).ToUniversalTime(), false);
        }
        return (new DateTimeOffset(local, zone.GetUtcOffset(local)).ToUniversalTime(), false);
    }

    /// <summary>Monday 00:00 of the week holding <paramref name="instant"/>, in the schedule's zone.</summary>
    public static DateTimeOffset StartOfWeek(BackupSchedule schedule, DateTimeOffset instant)
    {
        var zone = schedule.ResolveTimeZone();
        var local = TimeZoneInfo.ConvertTime(instant, zone).Date;
        var monday = local.AddDays(-WeeklySlot.MondayFirst(local.DayOfWeek));
        return ToInstant(DateTime.SpecifyKind(monday, DateTimeKind.Unspecified), zone).Instant;
    }
}
