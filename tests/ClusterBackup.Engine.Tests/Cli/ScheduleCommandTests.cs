using ClusterBackup.Engine.Catalog;
using ClusterBackup.Engine.Schedule;

namespace ClusterBackup.Engine.Tests.Cli;

public sealed class ScheduleCommandTests : IDisposable
{
    private readonly TempDirectory _temp = new("cli-schedule");
    private readonly string _schedule;
    private readonly string _catalog;

    public ScheduleCommandTests()
    {
        _schedule = _temp.Combine("weekly.json");
        _catalog = _temp.Combine("catalog.db");
        var (code, _, error) = CliHarness.Run("schedule", "new", "--path", _schedule, "--time-zone", "America/New_York");
        Assert.True(code == 0, error);
    }

    public void Dispose() => _temp.Dispose();

    [Fact]
    public void NewWritesTheTemplateAndRefusesToOverwrite()
    {
        Assert.Equal(5, ScheduleFile.Read(_schedule).Jobs.Count);
        var (code, _, error) = CliHarness.Run("schedule", "new", "--path", _schedule);
        Assert.Equal(2, code);
        Assert.Contains("pass --force", error);
    }

    [Theory]
    [InlineData("\"name\": \"weekly\"", "\"name\": \"weekly\\n* * * * * root sh\"", "Schedule name 'weekly\\u000a* * * * * root sh'")]
    [InlineData("\"expectedMinutes\": 75", "\"expectedMinutes\": 99999999999999", "'expectedMinutes' 99999999999999 is out of range")]
    [InlineData("\"formatVersion\": 1", "\"formatVersion\": 1e400", "formatVersion")]
    public void ABadScheduleIsBadInputThatNamesTheFileAndTheField(string find, string replace, string expected)
    {
        var bad = _temp.Combine("hostile.json");
        var text = File.ReadAllText(_schedule);
        Assert.Contains(find, text);
        File.WriteAllText(bad, text.Replace(find, replace));
        foreach (var command in new[] { "test", "export" })
        {
            var (code, output, error) = command == "test"
                ? CliHarness.Run("schedule", "test", "--schedule", bad, "--from", "2026-11-23")
                : CliHarness.Run("schedule", "export", "--schedule", bad, "--scheduler", "cron", "--out", _temp.Combine("out"));
            Assert.Equal(2, code);
            Assert.Contains(expected, error);
            Assert.Contains("hostile.json", error);
            Assert.DoesNotContain("Exception", error);
            Assert.Equal("", output);
        }
        Assert.False(Directory.Exists(_temp.Combine("out")) && Directory.EnumerateFiles(_temp.Combine("out")).Any());
    }

    [Fact]
    public void TestProvesTheWeeklyTemplateAndFailsOnAConflict()
    {
        var (code, output, _) = CliHarness.Run("schedule", "test", "--schedule", _schedule, "--from", "2026-11-23");
        Assert.Equal(0, code);
        Assert.StartsWith("No conflicts: 65 runs", output);

        var bad = _temp.Combine("bad.json");
        File.WriteAllText(bad, File.ReadAllText(_schedule).Replace("\"at\": \"04:30\"", "\"at\": \"02:40\""));
        (code, output, _) = CliHarness.Run("schedule", "test", "--schedule", bad, "--from", "2026-11-23", "--output", "json");
        Assert.Equal(1, code);
        var conflicts = Newtonsoft.Json.Linq.JArray.Parse(output);
        Assert.Equal(2, conflicts.Count);
        Assert.Equal("start 'share-to-tape' 10 min later (02:40 -> 02:50)", (string?)conflicts[0]["Suggestion"]);
    }

    [Fact]
    public void WeekDrawsTheGridAndWritesSvgAndHtml()
    {
        var (code, output, error) = CliHarness.Run("schedule", "week", "--schedule", _schedule, "--from", "2026-11-23", "--svg", _temp.Combine("w.svg"), "--html", _temp.Combine("w.html"));
        Assert.True(code == 0, error);
        Assert.Contains("Wed 25    ..FFFL...TTL", output);
        Assert.StartsWith("<svg ", File.ReadAllText(_temp.Combine("w.svg")));
        Assert.StartsWith("<!DOCTYPE html>", File.ReadAllText(_temp.Combine("w.html")));
    }

    [Fact]
    public void ExportWritesEachScheduler()
    {
        foreach (var (scheduler, count) in new[] { ("systemd", 8), ("cron", 1), ("task-scheduler", 4) })
        {
            var folder = _temp.Combine(scheduler);
            var (code, _, error) = CliHarness.Run("schedule", "export", "--schedule", _schedule, "--scheduler", scheduler, "--out", folder);
            Assert.True(code == 0, error);
            Assert.Equal(count, Directory.GetFiles(folder).Length);
        }
        Assert.Contains($"--schedule {_schedule} --job log-no-init", File.ReadAllText(_temp.Combine("cron", "clusterbackup-weekly.crontab")));
    }

    [Fact]
    public void RunIsRefusedWithExitCode75WhileAConflictingJobHoldsTheLock()
    {
        var schedule = ScheduleFile.Read(_schedule);
        var guard = new ScheduleGuard(CatalogDatabase.OpenOrCreate(_catalog));
        var tape = guard.TryAcquire(JobFootprint.Of(schedule, schedule.Job("share-to-tape")));

        var (code, output, error) = CliHarness.Run("schedule", "run", "--schedule", _schedule, "--job", "log-no-init", "--catalog", _catalog);
        Assert.Equal(75, code);
        Assert.Contains("WARNING: Refused to start 'log-no-init': 'share-to-tape' (Share -> tape) has been running since", error);
        Assert.Contains("Refused", output);

        guard.Release(tape.RunId, ScheduleRunStatus.Succeeded);
        (code, _, error) = CliHarness.Run("schedule", "run", "--schedule", _schedule, "--job", "log-no-init", "--catalog", _catalog);
        Assert.Equal(1, code); // admitted, then the backup itself fails: this test has no cluster configuration
        Assert.Contains("WARNING: Job 'log-no-init' failed: The configuration", error);

        (code, output, _) = CliHarness.Run("schedule", "history", "--schedule", _schedule, "--catalog", _catalog, "--output", "json");
        Assert.Equal(0, code);
        var runs = Newtonsoft.Json.Linq.JArray.Parse(output);
        Assert.Equal(["Failed", "Refused", "Succeeded"], runs.Select(r => (string)r["Status"]!));
    }

    [Fact]
    public void RunOfAnUnknownJobNamesTheJobs()
    {
        var (code, _, error) = CliHarness.Run("schedule", "run", "--schedule", _schedule, "--job", "nightly", "--catalog", _catalog);
        Assert.Equal(2, code);
        Assert.Contains("Schedule 'weekly' has no job 'nightly'; its jobs are: full-with-init, full-no-init, log-with-init, log-no-init, share-to-tape.", error);
    }
}
