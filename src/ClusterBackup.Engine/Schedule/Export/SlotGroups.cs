namespace ClusterBackup.Engine.Schedule.Export;

/// <summary>
/// Weekly starts grouped the way calendar syntaxes like them: one group per set of days and minute, with its hours.
/// Every scheduler export is written from these groups, so an every-N-hours window that crosses midnight becomes
/// exact per-day entries instead of a repetition whose daylight-saving behaviour differs between schedulers.
/// </summary>
internal static class SlotGroups
{
    public sealed record Group(IReadOnlyList<DayOfWeek> Days, int Minute, IReadOnlyList<int> Hours);

    public static IReadOnlyList<Group> Of(IEnumerable<WeeklySlot> slots)
    {
        var daysByTime = slots.GroupBy(s => s.Time)
            .Select(g => (Time: g.Key, Days: g.Select(s => s.Day).Distinct().OrderBy(WeeklySlot.MondayFirst).ToList()))
            .ToList();
        return daysByTime
            .GroupBy(x => (DaysKey: string.Join(",", x.Days), x.Time.Minute))
            .Select(g => new Group(g.First().Days, g.Key.Minute, g.Select(x => x.Time.Hour).Order().ToList()))
            .OrderBy(g => WeeklySlot.MondayFirst(g.Days[0])).ThenBy(g => g.Hours[0]).ThenBy(g => g.Minute)
            .ToList();
    }

    public static IEnumerable<WeeklySlot> Expand(Group slotGroup) =>
        slotGroup.Days.SelectMany(day => slotGroup.Hours.Select(hour => new WeeklySlot(day, new TimeOnly(hour, slotGroup.Minute))));
}
