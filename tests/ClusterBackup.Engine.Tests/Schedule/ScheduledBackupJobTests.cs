using ClusterBackup.Engine.Catalog;
using ClusterBackup.Engine.Common;
using ClusterBackup.Engine.Schedule;
using ClusterBackup.Engine.Tests.Databases.PostgreSql;

namespace ClusterBackup.Engine.Tests.Schedule;

/// <summary>The weekly template's jobs run by name through the schedule's guard against a real PostgreSQL pair.</summary>
public class ScheduledBackupJobTests
{
    [Fact]
    public async Task ScheduledFullThenLogJobsBackUpTheClusteredDatabaseAndRecordTheirRuns()
    {
        using var pair = new PostgreSqlPair();
        var schedule = WeeklyScheduleTemplate.Create("UTC", cluster: PostgreSqlPair.Cluster, server: PostgreSqlPair.VirtualServer,
            database: PostgreSqlPair.Database, share: pair.Share);
        var catalog = CatalogDatabase.OpenOrCreate(pair.CatalogPath);
        var run = new StartScheduledJobOperation(catalog, ScheduledJobRunnerRegistry.Discover());

        var full = await run.RunAsync(new StartScheduledJobRequest(schedule, "full-with-init"), NullOperationReporter.Instance, default);
        Assert.True(full.Status == ScheduleRunStatus.Succeeded, full.Message);
        PostgreSqlPair.Execute(pair.PrimaryPort, PostgreSqlPair.Database, "CREATE TABLE IF NOT EXISTS scheduled(id int); INSERT INTO scheduled VALUES (1);");
        var log = await run.RunAsync(new StartScheduledJobRequest(schedule, "log-no-init"), NullOperationReporter.Instance, default);
        Assert.True(log.Status == ScheduleRunStatus.Succeeded, log.Message);
        PostgreSqlPair.Execute(pair.PrimaryPort, PostgreSqlPair.Database, "INSERT INTO scheduled VALUES (2);");
        var secondLog = await run.RunAsync(new StartScheduledJobRequest(schedule, "log-no-init"), NullOperationReporter.Instance, default);
        Assert.True(secondLog.Status == ScheduleRunStatus.Succeeded, secondLog.Message);

        var sets = new BackupSetCatalog(catalog).GetBackupSets(new BackupSetQuery(PostgreSqlPair.VirtualServer, PostgreSqlPair.Database));
        Assert.Equal([BackupType.Full, BackupType.Log, BackupType.Log], sets.Select(s => s.Type));
        Assert.True(sets[0].Initialize);
        // No Init appends: the second log backup joins the first one's media set.
        Assert.Equal(sets[1].MediaSetId, sets[2].MediaSetId);
        Assert.Equal(2, sets[2].Position);
        Assert.False(sets[2].Initialize);
        Assert.All(sets, s => Assert.True(s.Verified));
        Assert.Equal(ScheduledRunExitCodes.Succeeded, log.ExitCode);
    }
}
