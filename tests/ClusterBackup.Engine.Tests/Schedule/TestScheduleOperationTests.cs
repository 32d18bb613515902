using ClusterBackup.Engine.Schedule;
using static ClusterBackup.Engine.Tests.Schedule.ScheduleTestData;

namespace ClusterBackup.Engine.Tests.Schedule;

public class TestScheduleOperationTests
{
    [Theory]
    [InlineData("UTC")]
    [InlineData(NewYork)]
    [InlineData("Europe/Berlin")]
    [InlineData("Australia/Sydney")]
    public async Task TheWeeklyTemplateHasNoConflictsInAnOrdinaryWeek(string zone)
    {
        var schedule = WeeklyScheduleTemplate.Create(zone);
        var result = await TestAsync(new TestScheduleRequest(schedule, OrdinaryMonday(zone)));
        Assert.True(result.IsSafe, string.Join(Environment.NewLine, result.Conflicts));
        // 7 fulls, 8 logs a day, 2 tapes.
        Assert.Equal(7 + 56 + 2, result.Occurrences.Count);
    }

    [Theory]
    [InlineData(NewYork, 2026, 3, 2)]   // spring forward on Sunday 8 March
    [InlineData(NewYork, 2026, 10, 26)] // fall back on Sunday 1 November
    [InlineData("Europe/Berlin", 2026, 3, 23)]
    [InlineData("Europe/Berlin", 2026, 10, 19)]
    public async Task TheWeeklyTemplateHasNoConflictsInADaylightSavingWeek(string zone, int year, int month, int day)
    {
        var result = await TestAsync(new TestScheduleRequest(WeeklyScheduleTemplate.Create(zone), Local(zone, new DateTime(year, month, day))));
        Assert.True(result.IsSafe, string.Join(Environment.NewLine, result.Conflicts));
    }

    [Fact]
    public async Task TheWeeklyTemplateOverAYearHasNoConflicts()
    {
        var from = Local(NewYork, new DateTime(2026, 1, 5));
        var result = await TestAsync(new TestScheduleRequest(WeeklyScheduleTemplate.Create(NewYork), from, from.AddDays(364)));
        Assert.True(result.IsSafe, string.Join(Environment.NewLine, result.Conflicts.Take(5)));
    }

    [Fact]
    public async Task TapeDuringALogBackupIsReportedPreciselyWithTheSmallestShift()
    {
        var schedule = WithJob(WeeklyScheduleTemplate.Create(NewYork), "share-to-tape",
            j => j with { Recurrence = j.Recurrence with { At = new TimeOnly(2, 40) } });
        var monday = OrdinaryMonday(NewYork);
        var result = await TestAsync(new TestScheduleRequest(schedule, monday));

        Assert.Equal(2, result.Conflicts.Count);
        var wednesday = result.Conflicts[0];
        Assert.Equal("log-no-init", wednesday.FirstJob);
        Assert.Equal("share-to-tape", wednesday.SecondJob);
        Assert.Equal(DayOfWeek.Wednesday, wednesday.OverlapStart.DayOfWeek);
        Assert.Equal(new DateTime(2026, 11, 25, 2, 30, 0), wednesday.FirstStart.DateTime);
        Assert.Equal(new DateTime(2026, 11, 25, 2, 50, 0), wednesday.FirstEnd.DateTime);
        Assert.Equal(new DateTime(2026, 11, 25, 2, 40, 0), wednesday.SecondStart.DateTime);
        Assert.Equal(TimeSpan.FromHours(-5), wednesday.OverlapStart.Offset);
        Assert.Equal(TimeSpan.FromMinutes(10), wednesday.Overlap);
        Assert.Contains("database -> share job 'log-no-init'", wednesday.Reason);
        Assert.Equal("share-to-tape", wednesday.ShiftJob);
        Assert.Equal(TimeSpan.FromMinutes(10), wednesday.Shift);
        Assert.Equal("start 'share-to-tape' 10 min later (02:40 -> 02:50)", wednesday.Suggestion);
        Assert.Equal(DayOfWeek.Sunday, result.Conflicts[1].OverlapStart.DayOfWeek);

        // It is the smallest: one minute less still meets the log backup.
        var almost = WithJob(schedule, "share-to-tape", j => j with { Recurrence = j.Recurrence with { At = new TimeOnly(2, 49) } });
        Assert.Equal(2, (await TestAsync(new TestScheduleRequest(almost, monday))).Conflicts.Count);

        // The suggestion holds: applying it leaves no conflict.
        var fixedSchedule = WithJob(schedule, "share-to-tape", j => j with { Recurrence = j.Recurrence with { At = new TimeOnly(2, 50) } });
        Assert.True((await TestAsync(new TestScheduleRequest(fixedSchedule, monday))).IsSafe);
    }

    [Fact]
    public async Task ALogBackupDuringAFullOfTheSameDatabaseIsAConflict()
    {
        var schedule = WeeklyScheduleTemplate.Create("UTC");
        schedule = WithJob(schedule, "full-with-init", j => j with { ExpectedDuration = TimeSpan.FromMinutes(100) });
        var result = await TestAsync(new TestScheduleRequest(schedule, OrdinaryMonday("UTC")));

        Assert.Equal(2, result.Conflicts.Count); // Monday and Thursday
        Assert.All(result.Conflicts, c =>
        {
            Assert.Equal("full-with-init", c.FirstJob);
            Assert.Equal("log-no-init", c.SecondJob);
            Assert.Equal(TimeSpan.FromMinutes(10), c.Overlap);
            Assert.Equal("log backup 'log-no-init' runs during full backup 'full-with-init' of PREPAID", c.Reason);
            Assert.Equal(TimeSpan.FromMinutes(10), c.Shift!.Value.Duration());
        });
    }

    [Fact]
    public async Task BackupsOfOtherDatabasesOrSharesDoNotConflict()
    {
        var schedule = WeeklyScheduleTemplate.Create("UTC");
        var other = schedule.Jobs.Single(j => j.Name == "full-with-init") with
        {
            Name = "full-other", Databases = ["BILLING"], Share = @"\\OTHER\share", Recurrence = new Recurrence { Days = Recurrence.EveryDay, At = new TimeOnly(2, 30) },
        };
        schedule = schedule with { Jobs = [.. schedule.Jobs, other] };
        Assert.True((await TestAsync(new TestScheduleRequest(schedule, OrdinaryMonday("UTC")))).IsSafe);
    }

    [Fact]
    public async Task ARunLongerThanItsIntervalConflictsWithItself()
    {
        var schedule = WithJob(WeeklyScheduleTemplate.Create("UTC"), "log-no-init", j => j with { ExpectedDuration = TimeSpan.FromHours(4) });
        var result = await TestAsync(new TestScheduleRequest(schedule, OrdinaryMonday("UTC")));
        var self = result.Conflicts.First(c => c.FirstJob == "log-no-init" && c.SecondJob == "log-no-init");
        Assert.Null(self.ShiftJob);
        Assert.Contains("shorten the run or widen the interval", self.Suggestion);
    }

    [Fact]
    public async Task AConflictAcrossTheWeekBoundaryIsCaught()
    {
        // A Sunday 23:00 tape that runs two hours meets Monday's 01:00 full.
        var schedule = WithJob(WeeklyScheduleTemplate.Create("UTC"), "share-to-tape",
            j => j with { Recurrence = new Recurrence { Days = [DayOfWeek.Sunday], At = new TimeOnly(23, 55) }, ExpectedDuration = TimeSpan.FromMinutes(70) });
        var monday = OrdinaryMonday("UTC");
        var result = await TestAsync(new TestScheduleRequest(schedule, monday));
        var boundary = result.Conflicts.Single(c => c.SecondJob == "full-with-init");
        Assert.Equal(monday.AddHours(1), boundary.SecondStart);
        Assert.Equal(TimeSpan.FromMinutes(5), boundary.Overlap);
    }
}
