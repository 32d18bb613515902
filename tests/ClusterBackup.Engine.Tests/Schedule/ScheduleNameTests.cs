using ClusterBackup.Engine.Common;
using ClusterBackup.Engine.Schedule;
using ClusterBackup.Engine.Schedule.Export;
using static ClusterBackup.Engine.Tests.Schedule.ScheduleTestData;

namespace ClusterBackup.Engine.Tests.Schedule;

/// <summary>Schedule and job names reach unit files, task paths and crontabs only when they follow the one name rule.</summary>
public class ScheduleNameTests
{
    private static readonly ExportOptions Options = new() { SchedulePath = "/etc/clusterbackup/schedule.json", CatalogPath = "/var/lib/clusterbackup/catalog.db" };

    [Theory]
    [InlineData(SchedulerKind.Cron)]
    [InlineData(SchedulerKind.Systemd)]
    [InlineData(SchedulerKind.TaskScheduler)]
    public void AScheduleNameWithALineBreakIsNeverExported(SchedulerKind kind)
    {
        var schedule = WeeklyScheduleTemplate.Create(NewYork) with { Name = "weekly\n* * * * * root rm -rf /" };
        var error = Assert.Throws<ClusterBackupException>(() => ScheduleExporters.Export(kind, schedule, Options));
        Assert.Equal(ErrorKind.InvalidConfiguration, error.Kind);
        Assert.Contains("weekly\\u000a", error.Message);
        Assert.DoesNotContain("\n", error.Message);
    }

    [Fact]
    public void AScheduleFileWithALineBreakInAJobNameIsRefusedWhenRead()
    {
        var json = ScheduleFile.ToJson(WeeklyScheduleTemplate.Create(NewYork)).Replace("\"log-no-init\"", "\"log\\nExecStartPre=/bin/sh\"");
        var error = Assert.Throws<ClusterBackupException>(() => ScheduleFile.Parse(json, "/etc/clusterbackup/schedule.json"));
        Assert.Contains("Job name 'log\\u000aExecStartPre=/bin/sh'", error.Message);
    }

    [Fact]
    public void JobNamesThatDifferOnlyInPunctuationAreRefusedNamingBoth()
    {
        var schedule = WeeklyScheduleTemplate.Create(NewYork);
        var log = schedule.Jobs.Single(j => j.Name == "log-no-init");
        schedule = schedule with { Jobs = [.. schedule.Jobs, log with { Name = "log.a" }, log with { Name = "log_a" }] };
        var error = Assert.Throws<ClusterBackupException>(() => ScheduleExporters.Export(SchedulerKind.Systemd, schedule, Options));
        Assert.Contains("'log.a', 'log_a'", error.Message);
        Assert.Contains("'log-a'", error.Message);
    }

    [Fact]
    public void JobNamesThatDifferOnlyInCaseAreRefused()
    {
        var schedule = WeeklyScheduleTemplate.Create(NewYork);
        var log = schedule.Jobs.Single(j => j.Name == "log-no-init");
        schedule = schedule with { Jobs = [.. schedule.Jobs, log with { Name = "LOG-NO-INIT" }] };
        Assert.Throws<ClusterBackupException>(schedule.Validate);
    }

    [Theory]
    [InlineData("weekly")]
    [InlineData("log.no_init-2")]
    [InlineData("A")]
    public void NamesThatFollowTheRuleAreAccepted(string name) => Assert.True(ObjectName.IsValid(name));

    [Theory]
    [InlineData("")]
    [InlineData("-leading-dash")]
    [InlineData(".hidden")]
    [InlineData("tab\there")]
    [InlineData("space here")]
    [InlineData("quote'")]
    [InlineData("semi;colon")]
    [InlineData("ünïcode")]
    [InlineData("path/name")]
    public void NamesThatBreakTheRuleAreRefused(string name)
    {
        Assert.False(ObjectName.IsValid(name));
        var error = Assert.Throws<ClusterBackupException>(() => ObjectName.Check(ObjectNameKind.ScheduledJob, name, "the test"));
        Assert.Contains("1 to 64 ASCII letters", error.Message);
    }

    [Fact]
    public void ANameLongerThanTheLimitIsRefused() => Assert.False(ObjectName.IsValid(new string('a', ObjectName.MaximumLength + 1)));
}
