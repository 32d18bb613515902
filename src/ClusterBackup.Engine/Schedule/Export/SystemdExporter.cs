using System.Globalization;
using System.Text;
using System.Text.RegularExpressions;

namespace ClusterBackup.Engine.Schedule.Export;

/// <summary>
/// A oneshot .service and a .timer per job. The timer's OnCalendar lines carry the schedule's time zone, so the
/// units run in the admin's zone whatever the machine's; AccuracySec=1s keeps the start on the planned minute
/// (the default of one minute would not). A refused start exits 75 and shows as a failed run in the journal.
/// In the hour daylight saving skips, systemd does not run the job that day (the model runs it after the gap).
/// </summary>
internal sealed partial class SystemdExporter : IScheduleExporter
{
    public SchedulerKind Kind => SchedulerKind.Systemd;

    public static string UnitBase(string schedule, string job) => $"clusterbackup-{ExportOptions.Slug(schedule)}-{ExportOptions.Slug(job)}";

    public IReadOnlyList<ScheduleExportFile> Export(BackupSchedule schedule, ExportOptions options)
    {
        var files = new List<ScheduleExportFile>();
        var zone = schedule.IanaTimeZone();
        foreach (var job in schedule.Jobs.Where(j => j.Enabled))
        {
            var unit = UnitBase(schedule.Name, job.Name);
            var description = $"ClusterBackup {schedule.Name}: {job.Name} ({job.TypeName})";
            var service = new StringBuilder()
                .Append("[Unit]\n")
                .Append($"Description={description}\n")
                .Append("After=network-online.target\nWants=network-online.target\n\n")
                .Append("[Service]\n")
                .Append("Type=oneshot\n")
                .Append($"ExecStart={string.Join(" ", options.CliArguments(job.Name).Select(Quote))}\n")
                .ToString();
            var timer = new StringBuilder()
                .Append("[Unit]\n")
                .Append($"Description={description}, {job.When} {schedule.TimeZone}\n\n")
                .Append("[Timer]\n");
            foreach (var group in SlotGroups.Of(job.Recurrence.WeeklySlots()))
                timer.Append(CultureInfo.InvariantCulture,
                    $"OnCalendar={string.Join(",", group.Days.Select(Day))} *-*-* {string.Join(",", group.Hours.Select(h => h.ToString("00", CultureInfo.InvariantCulture)))}:{group.Minute:00}:00 {zone}\n");
            timer.Append("AccuracySec=1s\nPersistent=false\n")
                .Append($"Unit={unit}.service\n\n")
                .Append("[Install]\nWantedBy=timers.target\n");
            files.Add(new ScheduleExportFile(Kind, schedule.Name, job.Name, unit + ".service", service));
            files.Add(new ScheduleExportFile(Kind, schedule.Name, job.Name, unit + ".timer", timer.ToString()));
        }
        return files;
    }

    public IReadOnlyList<ExportedJob> ReadBack(IEnumerable<ScheduleExportFile> files)
    {
        var list = files.ToList();
        var result = new List<ExportedJob>();
        foreach (var service in list.Where(f => f.FileName.EndsWith(".service", StringComparison.Ordinal)))
        {
            var execStart = service.Content.Split('\n').Single(l => l.StartsWith("ExecStart=", StringComparison.Ordinal))["ExecStart=".Length..];
            var args = ExportOptions.ShellSplit(execStart).Select(a => a.Replace("%%", "%")).ToList();
            var timer = list.Single(f => f.FileName == Path.ChangeExtension(service.FileName, ".timer"));
            var slots = new List<WeeklySlot>();
            foreach (var line in timer.Content.Split('\n'))
            {
                var match = OnCalendar().Match(line);
                if (!match.Success)
                    continue;
                foreach (var day in match.Groups["days"].Value.Split(','))
                    foreach (var hour in match.Groups["hours"].Value.Split(','))
                        slots.Add(new WeeklySlot(ParseDay(day), new TimeOnly(int.Parse(hour, CultureInfo.InvariantCulture), int.Parse(match.Groups["minute"].Value, CultureInfo.InvariantCulture))));
            }
            result.Add(new ExportedJob(CronExporter.ArgumentAfter(args, "--job"), slots.Order().ToList(), CronExporter.ArgumentAfter(args, "--schedule")));
        }
        return result;
    }

    /// <summary>The OnCalendar expressions of a timer file, for systemd-analyze.</summary>
    public static IReadOnlyList<string> CalendarSpecs(string timer) =>
        timer.Split('\n').Where(l => l.StartsWith("OnCalendar=", StringComparison.Ordinal)).Select(l => l["OnCalendar=".Length..]).ToList();

    private static string Day(DayOfWeek day) => day.ToString()[..3];

    private static DayOfWeek ParseDay(string text) => Enum.GetValues<DayOfWeek>().Single(d => Day(d) == text);

    /// <summary>systemd command-line quoting: double quotes around words with spaces or quotes; '%' doubled (specifier).</summary>
    private static string Quote(string word)
    {
        var escaped = word.Replace("%", "%%");
        return escaped.Length > 0 && escaped.All(c => !char.IsWhiteSpace(c) && c is not '"' and not '\'' and not '\\' and not ';')
            ? escaped
            : "\"" + escaped.Replace("\\", "\\\\").Replace("\"", "\\\"") + "\"";
    }

    [GeneratedRegex(@"^OnCalendar=(?<days>[A-Z][a-z]{2}(,[A-Z][a-z]{2})*) \*-\*-\* (?<hours>\d\d(,\d\d)*):(?<minute>\d\d):00 \S+$")]
    private static partial Regex OnCalendar();
}
