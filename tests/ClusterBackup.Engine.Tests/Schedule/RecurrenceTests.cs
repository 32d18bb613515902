using ClusterBackup.Engine.Common;
using ClusterBackup.Engine.Schedule;
using static ClusterBackup.Engine.Tests.Schedule.ScheduleTestData;

namespace ClusterBackup.Engine.Tests.Schedule;

public class RecurrenceTests
{
    [Fact]
    public void TheWeeklyTemplateLandsOnTheMinutesItNames()
    {
        var schedule = WeeklyScheduleTemplate.Create("UTC");
        var monday = OrdinaryMonday("UTC");
        var runs = ScheduleExpander.Expand(schedule, monday, monday.AddDays(7));
        string Starts(string job) => string.Join(" ", runs.Where(r => r.JobName == job).Select(r => r.Start.ToString("ddd HH:mm")));

        Assert.Equal("Mon 01:00 Thu 01:00", Starts("full-with-init"));
        Assert.Equal("Tue 01:00 Wed 01:00 Fri 01:00 Sat 01:00 Sun 01:00", Starts("full-no-init"));
        Assert.Equal("Wed 04:30 Sun 04:30", Starts("share-to-tape"));
        Assert.Equal("", Starts("log-with-init"));
        Assert.Equal("Mon 02:30 Mon 05:30 Mon 08:30 Mon 11:30 Mon 14:30 Mon 17:30 Mon 20:30 Mon 23:30",
            string.Join(" ", runs.Where(r => r.JobName == "log-no-init").Take(8).Select(r => r.Start.ToString("ddd HH:mm"))));
        Assert.All(runs, r => Assert.Equal(0, r.Start.Second));
    }

    [Fact]
    public void EveryNHoursAcrossMidnightRunsIntoTheNextDay()
    {
        var recurrence = new Recurrence { Days = [DayOfWeek.Friday, DayOfWeek.Sunday], At = new TimeOnly(22, 0), EveryHours = 2, Until = new TimeOnly(4, 0) };
        Assert.Equal(["Fri 22:00", "Sat 00:00", "Sat 02:00", "Sun 22:00", "Mon 00:00", "Mon 02:00"],
            recurrence.WeeklySlots().OrderBy(s => s.Day == DayOfWeek.Monday ? 7 : WeeklySlot.MondayFirst(s.Day)).ThenBy(s => s.Time).Select(s => s.ToString()));

        var schedule = new BackupSchedule
        {
            Name = "night", TimeZone = "UTC",
            Jobs = [new ScheduledJob { Name = "log", Type = ScheduledJobType.TransDbNoInit, Databases = ["DB"], Recurrence = recurrence, ExpectedDuration = TimeSpan.FromMinutes(10) }],
        };
        var monday = OrdinaryMonday("UTC");
        var runs = ScheduleExpander.Expand(schedule, monday, monday.AddDays(7));
        Assert.Equal(["Mon 00:00", "Mon 02:00", "Fri 22:00", "Sat 00:00", "Sat 02:00", "Sun 22:00"], runs.Select(r => r.Start.ToString("ddd HH:mm")));
        Assert.Equal(new DateTimeOffset(2026, 11, 28, 0, 0, 0, TimeSpan.Zero), runs[3].Start);
    }

    [Theory]
    [InlineData("UTC")]
    [InlineData(NewYork)]
    [InlineData("Asia/Kolkata")]
    public void ExpandedRunsAreExactlyTheWeeklySlotsTheExportsWrite(string zone)
    {
        // The exports are written from WeeklySlots; in a week without a daylight-saving change every run the
        // model plans falls on one of them, to the minute, and every slot is run once.
        var schedule = WeeklyScheduleTemplate.Create(zone);
        var monday = OrdinaryMonday(zone);
        var tz = TimeZoneInfo.FindSystemTimeZoneById(zone);
        foreach (var job in schedule.Jobs.Where(j => j.Enabled))
        {
            var planned = ScheduleExpander.Expand(schedule with { Jobs = [job] }, monday, monday.AddDays(7))
                .Select(o => TimeZoneInfo.ConvertTime(o.Start, tz))
                .Select(t => new WeeklySlot(t.DayOfWeek, TimeOnly.FromDateTime(t.DateTime)))
                .Order().ToList();
            Assert.Equal(job.Recurrence.WeeklySlots(), planned);
        }
    }

    [Fact]
    public void EveryNHoursWithoutUntilFillsTheDay()
    {
        var recurrence = new Recurrence { Days = [DayOfWeek.Monday], At = new TimeOnly(2, 30), EveryHours = 3 };
        Assert.Equal(8, recurrence.StartsInWindow().Count);
        Assert.Equal(new TimeSpan(23, 30, 0), recurrence.StartsInWindow()[^1]);
    }

    [Fact]
    public void SpringForwardMovesASkippedStartLaterByTheGap()
    {
        // New York, Sunday 8 March 2026: 02:00 EST becomes 03:00 EDT, so 02:30 does not exist.
        var schedule = WeeklyScheduleTemplate.Create(NewYork);
        var sunday = Local(NewYork, new DateTime(2026, 3, 8));
        var runs = ScheduleExpander.Expand(schedule, sunday, sunday.AddDays(1));
        var logs = runs.Where(r => r.JobName == "log-no-init").ToList();
        Assert.True(logs[0].Shifted);
        Assert.Equal(new DateTimeOffset(2026, 3, 8, 7, 30, 0, TimeSpan.Zero), logs[0].Start);      // 03:30 EDT
        Assert.Equal("03:30 -04:00", logs[0].LocalStart.ToString("HH:mm zzz"));
        Assert.Equal(new DateTimeOffset(2026, 3, 8, 9, 30, 0, TimeSpan.Zero), logs[1].Start);      // 05:30 EDT
        Assert.Equal(new DateTimeOffset(2026, 3, 8, 6, 0, 0, TimeSpan.Zero), runs.Single(r => r.JobName == "full-no-init").Start); // 01:00 EST
        Assert.Equal(new DateTimeOffset(2026, 3, 8, 8, 30, 0, TimeSpan.Zero), runs.Single(r => r.JobName == "share-to-tape").Start); // 04:30 EDT
        Assert.Equal(8, logs.Count);
    }

    [Fact]
    public void FallBackRunsARepeatedStartOnceAtItsFirstOccurrence()
    {
        // New York, Sunday 1 November 2026: 02:00 EDT becomes 01:00 EST, so 01:00-01:59 happens twice.
        var schedule = WeeklyScheduleTemplate.Create(NewYork);
        var sunday = Local(NewYork, new DateTime(2026, 11, 1));
        var runs = ScheduleExpander.Expand(schedule, sunday, sunday.AddDays(1));
        var full = Assert.Single(runs, r => r.JobName == "full-no-init");
        Assert.Equal(new DateTimeOffset(2026, 11, 1, 5, 0, 0, TimeSpan.Zero), full.Start); // 01:00 EDT, the first 01:00
        var firstLog = runs.First(r => r.JobName == "log-no-init");
        Assert.Equal(new DateTimeOffset(2026, 11, 1, 7, 30, 0, TimeSpan.Zero), firstLog.Start); // 02:30 EST
        Assert.Equal(sunday.AddHours(25), Local(NewYork, new DateTime(2026, 11, 2))); // the day really is 25 hours
    }

    [Fact]
    public void ScheduleJsonRoundTrips()
    {
        using var temp = new TempDirectory("schedule");
        var schedule = WeeklyScheduleTemplate.Create("Europe/Berlin");
        var path = temp.Combine("weekly.json");
        ScheduleFile.Write(schedule, path);
        var read = ScheduleFile.Read(path);
        Assert.Equal(ScheduleFile.ToJson(schedule), ScheduleFile.ToJson(read));
        Assert.Equal(path, read.Path);
        Assert.Equal(schedule.Jobs.Select(j => j.Recurrence.WeeklySlots().Count), read.Jobs.Select(j => j.Recurrence.WeeklySlots().Count));
        Assert.Empty(Directory.GetFiles(temp.Path, "*.tmp"));
    }

    [Theory]
    [InlineData("{\"formatVersion\": 2, \"name\": \"x\", \"timeZone\": \"UTC\", \"jobs\": []}", "formatVersion 2")]
    [InlineData("{\"name\": \"x\", \"timeZone\": \"UTC\", \"jobs\": []}", "no integer 'formatVersion'")]
    [InlineData("{\"formatVersion\": 1, \"name\": \"x\", \"timeZone\": \"Mars/Olympus\", \"jobs\": []}", "Mars/Olympus")]
    [InlineData("{\"formatVersion\": 1, \"name\": \"x\", \"timeZone\": \"UTC\", \"jobs\": [{\"name\": \"a\", \"type\": \"Nightly\", \"recurrence\": {\"at\": \"01:00\"}, \"expectedMinutes\": 5}]}", "job 'a': 'type' 'Nightly' is not one of")]
    [InlineData("{\"formatVersion\": 1, \"name\": \"x\", \"timeZone\": \"UTC\", \"jobs\": [{\"name\": \"a\", \"type\": \"FullDB With Init\", \"databases\": [\"D\"], \"recurrence\": {\"days\": [\"Monday\"], \"at\": \"25:00\"}, \"expectedMinutes\": 5}]}", "recurrence: 'at' '25:00' is not a 24-hour time")]
    [InlineData("{\"formatVersion\": 1, \"name\": \"x\", \"timeZone\": \"UTC\", \"jobs\": [{\"name\": \"a\", \"type\": \"ShareToTape\", \"recurrence\": {\"days\": [\"Monday\"], \"at\": \"01:00\"}}]}", "'expectedMinutes' is missing")]
    [InlineData("{\"formatVersion\": 1, \"name\": \"x\", \"timeZone\": \"UTC\", \"jobs\": [{\"name\": \"a\", \"type\": \"ShareToTape\", \"recurrence\": {\"days\": [\"Monday\"], \"at\": \"01:00\"}, \"expectedMinutes\": 5}, {\"name\": \"A\", \"type\": \"ShareToTape\", \"recurrence\": {\"days\": [\"Monday\"], \"at\": \"01:00\"}, \"expectedMinutes\": 5}]}", "differ only in case or punctuation")]
    [InlineData("{\"formatVersion\": 1, \"name\": \"x\", \"timeZone\": \"UTC\", \"jobs\": [{\"name\": \"a\", \"type\": \"ShareToTape\", \"recurrence\": {\"days\": [\"Monday\"], \"at\": \"01:00\", \"everyHours\": 0}, \"expectedMinutes\": 5}]}", "everyHours must be between 1 and 23")]
    [InlineData("not json", "not valid JSON")]
    public void InvalidSchedulesAreRefusedWithTheFieldNamed(string json, string expected)
    {
        var error = Assert.Throws<ClusterBackupException>(() => ScheduleFile.Parse(json, "test.json"));
        Assert.Contains(expected, error.Message);
        Assert.Contains(error.Kind, new[] { ErrorKind.InvalidConfiguration, ErrorKind.InvalidArgument });
    }

    [Fact]
    public void TheGridLabelsParseAsJobTypes()
    {
        Assert.True(ScheduledJobTypes.TryParse("TransDB No Init", out var type));
        Assert.Equal(ScheduledJobType.TransDbNoInit, type);
        Assert.Equal("FullDB With Init", ScheduledJobType.FullDbWithInit.DisplayName());
    }
}
