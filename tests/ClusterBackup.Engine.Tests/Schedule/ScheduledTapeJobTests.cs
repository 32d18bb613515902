using ClusterBackup.Engine.Common;
using ClusterBackup.Engine.Schedule;
using ClusterBackup.Engine.Tests.Tape;

namespace ClusterBackup.Engine.Tests.Schedule;

/// <summary>The weekly template's share -> tape job runs by name through the schedule's guard and writes the share to tape.</summary>
public class ScheduledTapeJobTests
{
    [Fact]
    public async Task TheShareToTapeJobWritesAndVerifiesEveryBackupSetNotYetOnTape()
    {
        using var kit = new TapeTestKit();
        BackupToTapeOperationTests.AddBackupSet(kit, "sales", initialize: true, files: 2, seed: 5);
        var agents = await BackupToTapeOperationTests.MirroredConfigurationAsync(kit);
        var template = WeeklyScheduleTemplate.Create("UTC", share: kit.Directory.Combine("share"));
        var schedule = template with
        {
            Jobs = template.Jobs.Select(j => j.Type == ScheduledJobType.ShareToTape ? j with { Tape = new TapeConfiguration { Agents = agents, Library = kit.Library.Root } } : j).ToList(),
        };
        var run = new StartScheduledJobOperation(kit.Catalog.Database, ScheduledJobRunnerRegistry.Discover());

        var result = await run.RunAsync(new StartScheduledJobRequest(schedule, "share-to-tape"), NullOperationReporter.Instance, default);

        Assert.True(result.Status == ScheduleRunStatus.Succeeded, result.Message);
        Assert.Contains("2 objects", result.Message);
        Assert.Contains("4 copies verified", result.Message);
        Assert.All(kit.Catalog.GetObjects(), o => Assert.Equal(2, o.Copies.Count));
    }

    [Fact]
    public async Task AShareToTapeJobWithoutAMediaAgentConfigurationFailsAndSaysWhatToSet()
    {
        using var kit = new TapeTestKit();
        var schedule = WeeklyScheduleTemplate.Create("UTC", share: kit.Directory.Combine("share"));
        var run = new StartScheduledJobOperation(kit.Catalog.Database, ScheduledJobRunnerRegistry.Discover());

        var result = await run.RunAsync(new StartScheduledJobRequest(schedule, "share-to-tape"), NullOperationReporter.Instance, default);

        Assert.Equal(ScheduleRunStatus.Failed, result.Status);
        Assert.Contains("names no media-agent configuration", result.Message);
    }
}

public class ScheduleTapeConfigurationFileTests
{
    [Fact]
    public void TheTapeSettingsOfAJobRoundTripThroughTheScheduleFile()
    {
        var template = WeeklyScheduleTemplate.Create("UTC");
        var tape = new TapeConfiguration { Agents = "agents.json", Library = "/srv/tapelib", Drive = "drive0", MediaPool = "Weekly", Copies = 3 };
        var schedule = template with { Jobs = template.Jobs.Select(j => j.Type == ScheduledJobType.ShareToTape ? j with { Tape = tape } : j).ToList() };

        var read = ScheduleFile.Parse(ScheduleFile.ToJson(schedule));

        Assert.Equal(tape, read.Job("share-to-tape").Tape);
    }
}
