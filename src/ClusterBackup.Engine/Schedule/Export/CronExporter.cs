using System.Globalization;
using System.Text;
using System.Text.RegularExpressions;
using ClusterBackup.Engine.Common;

namespace ClusterBackup.Engine.Schedule.Export;

/// <summary>
/// Crontab lines (user crontab format: minute hour day-of-month month day-of-week command), one block per schedule
/// between "# BEGIN/END ClusterBackup schedule NAME" markers so registering replaces exactly that block. cron reads
/// times in the system time zone, so the block says which zone the schedule is written in; register warns when they
/// differ. In the hour daylight saving skips, Debian's cron runs the job right after the change.
/// </summary>
internal sealed partial class CronExporter : IScheduleExporter
{
    public SchedulerKind Kind => SchedulerKind.Cron;

    public static string BeginMarker(string schedule) => $"# BEGIN ClusterBackup schedule {schedule}";
    public static string EndMarker(string schedule) => $"# END ClusterBackup schedule {schedule}";

    public IReadOnlyList<ScheduleExportFile> Export(BackupSchedule schedule, ExportOptions options)
    {
        var text = new StringBuilder();
        text.Append(BeginMarker(schedule.Name)).Append('\n');
        text.Append($"# Times are {schedule.TimeZone} wall-clock times; cron must run in that zone. Generated from {options.SchedulePath}.\n");
        foreach (var job in schedule.Jobs.Where(j => j.Enabled))
        {
            text.Append($"# {job.Name}: {job.TypeName}, {job.When}\n");
            var command = string.Join(" ", options.CliArguments(job.Name).Select(ExportOptions.ShellQuote)).Replace("%", "\\%");
            foreach (var group in SlotGroups.Of(job.Recurrence.WeeklySlots()))
                text.Append(CultureInfo.InvariantCulture, $"{group.Minute} {string.Join(",", group.Hours)} * * {string.Join(",", group.Days.Select(d => (int)d))} {command}\n");
        }
        text.Append(EndMarker(schedule.Name)).Append('\n');
        return [new ScheduleExportFile(Kind, schedule.Name, null, $"clusterbackup-{ExportOptions.Slug(schedule.Name)}.crontab", text.ToString())];
    }

    public IReadOnlyList<ExportedJob> ReadBack(IEnumerable<ScheduleExportFile> files)
    {
        var jobs = new Dictionary<string, (List<WeeklySlot> Slots, string Schedule)>();
        foreach (var line in files.SelectMany(f => f.Content.Split('\n')))
        {
            var match = CronLine().Match(line);
            if (!match.Success)
                continue;
            var args = ExportOptions.ShellSplit(match.Groups["command"].Value.Replace("\\%", "%"));
            var job = ArgumentAfter(args, "--job");
            var slots = from day in match.Groups["days"].Value.Split(',')
                        from hour in match.Groups["hours"].Value.Split(',')
                        select new WeeklySlot((DayOfWeek)int.Parse(day, CultureInfo.InvariantCulture),
                            new TimeOnly(int.Parse(hour, CultureInfo.InvariantCulture), int.Parse(match.Groups["minute"].Value, CultureInfo.InvariantCulture)));
            if (!jobs.TryGetValue(job, out var entry))
                jobs[job] = entry = ([], ArgumentAfter(args, "--schedule"));
            entry.Slots.AddRange(slots);
        }
        return jobs.Select(j => new ExportedJob(j.Key, j.Value.Slots.Order().ToList(), j.Value.Schedule)).ToList();
    }

    internal static string ArgumentAfter(IReadOnlyList<string> args, string option)
    {
        var index = args.ToList().IndexOf(option);
        return index >= 0 && index + 1 < args.Count ? args[index + 1]
            : throw new ClusterBackupException(ErrorKind.InvalidData, option, $"The exported command '{string.Join(" ", args)}' has no {option}.");
    }

    [GeneratedRegex(@"^(?<minute>\d{1,2}) (?<hours>\d{1,2}(,\d{1,2})*) \* \* (?<days>[0-6](,[0-6])*) (?<command>.+)$")]
    private static partial Regex CronLine();
}
