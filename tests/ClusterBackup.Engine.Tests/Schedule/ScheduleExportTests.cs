using System.Diagnostics;
using System.Globalization;
using System.Text;
using System.Xml.Linq;
using ClusterBackup.Engine.Common;
using ClusterBackup.Engine.Schedule;
using ClusterBackup.Engine.Schedule.Export;
using static ClusterBackup.Engine.Tests.Schedule.ScheduleTestData;

namespace ClusterBackup.Engine.Tests.Schedule;

public class ScheduleExportTests
{
    private static readonly ExportOptions Options = new() { SchedulePath = "/etc/clusterbackup/o'brien schedule.json", CatalogPath = "/var/lib/clusterbackup/catalog 100%.db" };

    /// <summary>The weekly template plus a night job whose window crosses midnight.</summary>
    private static BackupSchedule Schedule(string zone = NewYork)
    {
        var schedule = WeeklyScheduleTemplate.Create(zone);
        var night = new ScheduledJob
        {
            Name = "night-log", Type = ScheduledJobType.TransDbNoInit, Cluster = "PGCLUSTER", Databases = ["ledger"], Share = "/srv/share",
            Recurrence = new Recurrence { Days = [DayOfWeek.Friday, DayOfWeek.Sunday], At = new TimeOnly(22, 15), EveryHours = 2, Until = new TimeOnly(4, 0) },
            ExpectedDuration = TimeSpan.FromMinutes(5),
        };
        return schedule with { Jobs = [.. schedule.Jobs, night] };
    }

    [Theory]
    [InlineData(SchedulerKind.Cron)]
    [InlineData(SchedulerKind.Systemd)]
    [InlineData(SchedulerKind.TaskScheduler)]
    public void ExportsRoundTripToTheSameStartsAndJobs(SchedulerKind kind)
    {
        var schedule = Schedule();
        var exporter = ScheduleExporters.For(kind);
        var back = exporter.ReadBack(exporter.Export(schedule, Options)).OrderBy(j => j.Job, StringComparer.Ordinal).ToList();
        var enabled = schedule.Jobs.Where(j => j.Enabled).OrderBy(j => j.Name, StringComparer.Ordinal).ToList();
        Assert.Equal(enabled.Select(j => j.Name), back.Select(j => j.Job));
        foreach (var (job, exported) in enabled.Zip(back))
        {
            Assert.Equal(job.Recurrence.WeeklySlots(), exported.Slots);
            Assert.Equal(Options.SchedulePath, exported.SchedulePath);
        }
        Assert.DoesNotContain(back, j => j.Job == "log-with-init");
    }

    [Fact]
    public void CronLinesAreWhatCronReads()
    {
        var text = ScheduleExporters.For(SchedulerKind.Cron).Export(Schedule(), Options).Single().Content;
        Assert.StartsWith("# BEGIN ClusterBackup schedule weekly\n", text);
        Assert.Contains("\n0 1 * * 1,4 /usr/local/bin/clusterbackup schedule run --schedule '/etc/clusterbackup/o'\\''brien schedule.json' --job full-with-init --catalog '/var/lib/clusterbackup/catalog 100\\%.db'\n", text);
        Assert.Contains("\n30 2,5,8,11,14,17,20,23 * * 1,2,3,4,5,6,0 ", text);
        Assert.Contains("\n30 4 * * 3,0 ", text);
        // The night window: Friday 22:15, Saturday 00:15 and 02:15; Sunday 22:15, Monday 00:15 and 02:15.
        Assert.Contains("\n15 22 * * 5,0 ", text);
        Assert.Contains("\n15 0,2 * * 1,6 ", text);
    }

    [Fact]
    public void TheTaskXmlFollowsTheTaskSchema()
    {
        var files = ScheduleExporters.For(SchedulerKind.TaskScheduler).Export(Schedule(), Options);
        Assert.Equal(5, files.Count);
        foreach (var file in files)
        {
            Assert.StartsWith("<?xml version=\"1.0\" encoding=\"utf-16\"?>", file.Content);
            var document = XDocument.Parse(file.Content);
            Assert.Empty(TaskSchemaCheck.Check(document));
        }
        var log = XDocument.Parse(files.Single(f => f.Job == "log-no-init").Content);
        XNamespace ns = "http://schemas.microsoft.com/windows/2004/02/mit/task";
        Assert.Equal("1.2", (string?)log.Root!.Attribute("version"));
        Assert.Equal(8, log.Descendants(ns + "CalendarTrigger").Count());
        Assert.Equal(@"\ClusterBackup\weekly\log-no-init", (string?)log.Descendants(ns + "URI").Single());
        Assert.Equal("pwsh.exe", (string?)log.Descendants(ns + "Command").Single());
        Assert.Equal("-NoProfile -NonInteractive -ExecutionPolicy Bypass -Command \"Import-Module 'ClusterBackup'; $r = Start-ClusterBackupJob -Schedule '/etc/clusterbackup/o''brien schedule.json' -Job 'log-no-init' -CatalogPath '/var/lib/clusterbackup/catalog 100%.db'; exit $r.ExitCode\"",
            (string?)log.Descendants(ns + "Arguments").Single());
        var first = log.Descendants(ns + "CalendarTrigger").First();
        Assert.Equal("2024-01-01T02:30:00", (string?)first.Element(ns + "StartBoundary"));
        Assert.Equal(["Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday", "Sunday"],
            first.Descendants(ns + "DaysOfWeek").Elements().Select(e => e.Name.LocalName));
    }

    [Fact]
    public void TheSchemaCheckFindsOrderUnknownElementsAndBadValues()
    {
        var file = ScheduleExporters.For(SchedulerKind.TaskScheduler).Export(Schedule(), Options).Single(f => f.Job == "log-no-init");
        XNamespace ns = "http://schemas.microsoft.com/windows/2004/02/mit/task";
        var document = XDocument.Parse(file.Content);
        var trigger = document.Descendants(ns + "CalendarTrigger").First();
        var enabled = trigger.Element(ns + "Enabled")!;
        enabled.Remove();
        trigger.Element(ns + "StartBoundary")!.AddBeforeSelf(new XElement(ns + "ScheduleByDay", new XElement(ns + "DaysInterval", 1)));
        trigger.Add(enabled);
        var second = document.Descendants(ns + "CalendarTrigger").ElementAt(1);
        var start = second.Element(ns + "StartBoundary")!;
        start.Remove();
        second.AddFirst(start);
        document.Descendants(ns + "WeeksInterval").First().Value = "53";
        document.Descendants(ns + "Settings").Single().Add(new XElement(ns + "RunWhenever", "true"));
        document.Descendants(ns + "Exec").Single().Element(ns + "Command")!.Remove();
        var problems = TaskSchemaCheck.Check(document);
        Assert.Contains(problems, p => p.Contains("StartBoundary must come before ScheduleByDay"));
        Assert.Contains(problems, p => p == "in CalendarTrigger, Enabled must come before StartBoundary (xs:sequence)");
        Assert.Contains(problems, p => p.Contains("exactly one ScheduleBy"));
        Assert.Contains(problems, p => p == "WeeksInterval is '53', not an integer from 1 to 52");
        Assert.Contains(problems, p => p == "RunWhenever is not a child of Settings in the task schema");
        Assert.Contains(problems, p => p == "Exec lacks its required Command");
    }

    [Fact]
    public void SystemdVerifyAcceptsTheUnits()
    {
        using var temp = new TempDirectory("units");
        var options = Options with { CliPath = "/bin/true" };
        var files = ScheduleRegistration.WriteFiles(ScheduleExporters.For(SchedulerKind.Systemd).Export(Schedule(), options), temp.Path);
        Assert.Equal(10, files.Count);
        var (code, output) = Run("systemd-analyze", ["verify", "--man=no", .. files.Select(f => f.Path!)]);
        Assert.True(code == 0, output);
        Assert.Equal("", output.Trim());
        var timer = File.ReadAllText(files.Single(f => f.FileName == "clusterbackup-weekly-log-no-init.timer").Path!);
        Assert.Contains("OnCalendar=Mon,Tue,Wed,Thu,Fri,Sat,Sun *-*-* 02,05,08,11,14,17,20,23:30:00 America/New_York\n", timer);
        Assert.Contains("AccuracySec=1s\n", timer);
    }

    [Fact]
    public void SystemdTimersNameTheZoneByItsIanaIdEvenWhenTheScheduleUsesAWindowsId()
    {
        var timer = ScheduleExporters.For(SchedulerKind.Systemd).Export(WeeklyScheduleTemplate.Create("W. Europe Standard Time"), Options)
            .First(f => f.FileName.EndsWith(".timer")).Content;
        Assert.Contains("OnCalendar=Mon,Thu *-*-* 01:00:00 Europe/Berlin\n", timer);
    }

    [Theory]
    [InlineData("2026-11-23")] // an ordinary week
    [InlineData("2026-10-26")] // the week New York falls back (Sunday 1 November)
    [InlineData("2026-03-09")] // the week after it springs forward
    public void EachSystemdTimerElapsesOnExactlyTheMinutesTheModelSays(string monday)
    {
        var schedule = Schedule();
        var from = Local(NewYork, DateTime.Parse(monday, CultureInfo.InvariantCulture));
        var to = from.AddDays(7);
        var files = ScheduleExporters.For(SchedulerKind.Systemd).Export(schedule, Options);
        foreach (var job in schedule.Jobs.Where(j => j.Enabled))
        {
            var timer = files.Single(f => f.Job == job.Name && f.FileName.EndsWith(".timer")).Content;
            var planned = ScheduleExpander.Expand(schedule with { Jobs = [job] }, from, to).Select(o => o.Start).ToList();
            var elapses = SystemdElapses(SystemdExporter.CalendarSpecs(timer), from.AddSeconds(-1), to);
            Assert.True(planned.SequenceEqual(elapses), $"{job.Name}: model {string.Join(", ", planned.Select(p => p.ToString("u")))} vs systemd {string.Join(", ", elapses.Select(p => p.ToString("u")))}");
        }
    }

    [Fact]
    public void InTheSkippedHourSystemdDropsTheRunThatTheModelMovesLater()
    {
        // New York, Sunday 8 March 2026, 02:00 -> 03:00. The model runs the 02:30 log at 03:30 EDT (07:30Z);
        // systemd does not elapse that day at all. The README says so; this test keeps the statement true.
        var sunday = Local(NewYork, new DateTime(2026, 3, 8));
        var elapses = SystemdElapses(["Sun *-*-* 02:30:00 America/New_York"], sunday, sunday.AddDays(1));
        Assert.Empty(elapses);
        var model = ScheduleExpander.Expand(WeeklyScheduleTemplate.Create(NewYork), sunday, sunday.AddHours(6)).First(o => o.JobName == "log-no-init");
        Assert.Equal(new DateTimeOffset(2026, 3, 8, 7, 30, 0, TimeSpan.Zero), model.Start);
    }

    private static List<DateTimeOffset> SystemdElapses(IEnumerable<string> specs, DateTimeOffset after, DateTimeOffset before)
    {
        var all = new List<DateTimeOffset>();
        foreach (var spec in specs)
        {
            var (code, output) = Run("systemd-analyze", ["calendar", "--iterations=80", $"--base-time={after.UtcDateTime:yyyy-MM-dd HH:mm:ss} UTC", spec], utc: true);
            Assert.True(code == 0, output);
            foreach (var line in output.Split('\n').Where(l => l.Contains("Next elapse:") || l.Contains("Iter. #")))
            {
                var text = line[(line.IndexOf(':') + 1)..].Trim(); // "Mon 2026-11-23 06:00:00 UTC"
                var instant = DateTimeOffset.ParseExact(text[4..^4], "yyyy-MM-dd HH:mm:ss", CultureInfo.InvariantCulture, DateTimeStyles.AssumeUniversal);
                if (instant < before)
                    all.Add(instant);
            }
        }
        return all.Order().ToList();
    }

    private static (int Code, string Output) Run(string file, IEnumerable<string> args, bool utc = false)
    {
        var info = new ProcessStartInfo(file) { RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false };
        foreach (var a in args) info.ArgumentList.Add(a);
        if (utc) info.Environment["TZ"] = "UTC";
        info.Environment["SYSTEMD_COLORS"] = "0";
        using var process = Process.Start(info) ?? throw new InvalidOperationException($"{file} did not start");
        var error = process.StandardError.ReadToEndAsync();
        var output = process.StandardOutput.ReadToEnd();
        process.WaitForExit();
        return (process.ExitCode, output + error.Result);
    }
}

public class ScheduleRegistrationTests
{
    private sealed class RecordingCommands : ISystemCommands
    {
        public bool IsWindows { get; init; }
        public bool SystemdRunning { get; init; }
        public string? Crontab { get; set; }
        public List<string> Calls { get; } = [];

        public CommandResult Run(string file, IReadOnlyList<string> arguments, string? input = null)
        {
            Calls.Add($"{file} {string.Join(" ", arguments)}");
            if (file == "crontab" && arguments[0] == "-l")
                return Crontab is null ? new CommandResult(1, "", "no crontab for root") : new CommandResult(0, Crontab, "");
            if (file == "crontab" && arguments[0] == "-")
                Crontab = input;
            if (file == "schtasks.exe" && arguments[0] == "/Query")
                return new CommandResult(Calls.Any(c => c.Contains("/Create") && c.Contains(arguments[2])) ? 0 : 1, "", "");
            return new CommandResult(0, "", "");
        }
    }

    private static readonly BackupSchedule Weekly = WeeklyScheduleTemplate.Create("UTC");

    [Fact]
    public void SystemdRegisterWritesEnablesAndUnregisterRemoves()
    {
        using var temp = new TempDirectory("systemd");
        File.WriteAllText(temp.Combine("clusterbackup-weekly-keep.timer"), "[Unit]\nDescription=someone else's\n");
        var commands = new RecordingCommands { SystemdRunning = true };
        var registration = new ScheduleRegistration(commands);
        var options = new ExportOptions { SchedulePath = "/etc/clusterbackup/weekly.json" };

        var files = registration.Register(Weekly, SchedulerKind.Systemd, options, temp.Path, NullOperationReporter.Instance);
        Assert.Equal(8, files.Count);
        Assert.All(files, f => Assert.True(File.Exists(f.Path)));
        Assert.Equal(["systemctl daemon-reload",
            "systemctl enable --now clusterbackup-weekly-full-with-init.timer clusterbackup-weekly-full-no-init.timer clusterbackup-weekly-log-no-init.timer clusterbackup-weekly-share-to-tape.timer"],
            commands.Calls);

        commands.Calls.Clear();
        var removed = registration.Unregister(Weekly, SchedulerKind.Systemd, options, temp.Path, NullOperationReporter.Instance);
        Assert.Equal(8, removed.Count);
        Assert.Equal(["clusterbackup-weekly-keep.timer"], Directory.GetFiles(temp.Path).Select(Path.GetFileName));
        Assert.StartsWith("systemctl disable --now clusterbackup-weekly-", commands.Calls[0]);
        Assert.Equal("systemctl daemon-reload", commands.Calls[^1]);
    }

    [Fact]
    public void SystemdRegisterWithoutSystemdWritesTheFilesAndWarns()
    {
        using var temp = new TempDirectory("systemd");
        var commands = new RecordingCommands { SystemdRunning = false };
        var warnings = new List<string>();
        new ScheduleRegistration(commands).Register(Weekly, SchedulerKind.Systemd, new ExportOptions { SchedulePath = "/s.json" }, temp.Path, new WarningList(warnings));
        Assert.Empty(commands.Calls);
        Assert.Contains("did not enable the timers", Assert.Single(warnings));
        Assert.Equal(8, Directory.GetFiles(temp.Path).Length);
    }

    [Fact]
    public void CronRegisterReplacesOnlyItsOwnBlock()
    {
        var commands = new RecordingCommands { Crontab = "MAILTO=ops\n0 3 * * * /usr/bin/other-job\n" };
        var registration = new ScheduleRegistration(commands);
        var options = new ExportOptions { SchedulePath = "/etc/clusterbackup/weekly.json" };
        registration.Register(Weekly, SchedulerKind.Cron, options, null, NullOperationReporter.Instance);
        registration.Register(Weekly, SchedulerKind.Cron, options, null, NullOperationReporter.Instance);
        Assert.StartsWith("MAILTO=ops\n0 3 * * * /usr/bin/other-job\n# BEGIN ClusterBackup schedule weekly\n", commands.Crontab);
        Assert.Single(commands.Crontab!.Split('\n'), l => l.StartsWith("# BEGIN"));
        var back = ScheduleExporters.For(SchedulerKind.Cron).ReadBack([new ScheduleExportFile(SchedulerKind.Cron, "weekly", null, "crontab", commands.Crontab)]);
        Assert.Equal(4, back.Count);

        Assert.Single(registration.Unregister(Weekly, SchedulerKind.Cron, options, null, NullOperationReporter.Instance));
        Assert.Equal("MAILTO=ops\n0 3 * * * /usr/bin/other-job\n", commands.Crontab);
        Assert.Empty(registration.Unregister(Weekly, SchedulerKind.Cron, options, null, NullOperationReporter.Instance));
    }

    [Fact]
    public void TaskSchedulerRegisterImportsEachTaskWithSchtasks()
    {
        using var temp = new TempDirectory("tasks");
        var commands = new RecordingCommands { IsWindows = true };
        var registration = new ScheduleRegistration(commands);
        var options = new ExportOptions { SchedulePath = @"C:\ClusterBackup\weekly.json" };
        var files = registration.Register(Weekly, SchedulerKind.TaskScheduler, options, temp.Path, NullOperationReporter.Instance);
        Assert.Equal(4, files.Count);
        Assert.Equal($"schtasks.exe /Create /XML {temp.Combine("weekly-full-with-init.xml")} /TN \\ClusterBackup\\weekly\\full-with-init /F", commands.Calls[0]);
        var bytes = File.ReadAllBytes(files[0].Path!);
        Assert.Equal(new byte[] { 0xFF, 0xFE }, bytes[..2]); // UTF-16 LE with its byte order mark
        Assert.Empty(TaskSchemaCheck.Check(XDocument.Parse(Encoding.Unicode.GetString(bytes[2..]))));

        var removed = registration.Unregister(Weekly, SchedulerKind.TaskScheduler, options, temp.Path, NullOperationReporter.Instance);
        Assert.Contains(@"\ClusterBackup\weekly\share-to-tape", removed);
        Assert.Contains(commands.Calls, c => c == @"schtasks.exe /Delete /TN \ClusterBackup\weekly\share-to-tape /F");
        Assert.Empty(Directory.GetFiles(temp.Path));
    }

    private sealed class WarningList(List<string> warnings) : IOperationReporter
    {
        public void Progress(string activity, string status, int percentComplete) { }
        public void Verbose(string message) { }
        public void Warning(string message) => warnings.Add(message);
    }
}
