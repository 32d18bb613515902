using ClusterBackup.Engine.Catalog;
using ClusterBackup.Engine.Common;
using ClusterBackup.Engine.Schedule;
using ClusterBackup.Engine.Tests.Databases.PostgreSql;
using Newtonsoft.Json.Linq;

namespace ClusterBackup.Engine.Tests.FaultInjection;

/// <summary>
/// Scheduled jobs started by the scheduler in their own processes (`clusterbackup schedule run`, what the exported timers and
/// tasks call) against the real PostgreSQL pair: while a full backup job runs, the same job started again and a log job of the
/// same database are refused with exit 75 and a message naming the job that holds them, and each run is recorded.
/// </summary>
public sealed class ConcurrentScheduledJobTests(PostgreSqlPair pair) : IClassFixture<PostgreSqlPair>
{
    [Fact]
    public async Task JobsStartedWhileAConflictingJobRunsAreRefusedAndTheRunningOneFinishes()
    {
        var root = Path.Combine(pair.Root, "scheduled-" + Guid.NewGuid().ToString("N")[..8]);
        Directory.CreateDirectory(Path.Combine(root, "share"));
        // The jobs find the configuration beside the catalog, as on a backup server.
        var configuration = JObject.Parse(File.ReadAllText(pair.ConfigurationPath));
        configuration["clusters"]![0]!["settings"]!["topologyFile"] = pair.TopologyPath;
        configuration["servers"]![0]!["settings"]!["walArchive"] = pair.Archive;
        File.WriteAllText(Path.Combine(root, "clusterbackup.json"), configuration.ToString());
        var catalog = Path.Combine(root, "catalog.db");
        var schedulePath = Path.Combine(root, "weekly.json");
        ScheduleFile.Write(WeeklyScheduleTemplate.Create("UTC", cluster: PostgreSqlPair.Cluster, server: PostgreSqlPair.VirtualServer,
            database: PostgreSqlPair.Database, share: Path.Combine(root, "share")), schedulePath);
        string[] Run(string job) => ["schedule", "run", "--schedule", schedulePath, "--job", job, "--catalog", catalog];

        var pauses = Path.Combine(root, "pauses");
        Directory.CreateDirectory(pauses);
        var running = CliProcess.RunAsync(Run("full-with-init"), new Dictionary<string, string>
        {
            [PausePoint.EnvironmentVariable] = "backup.media-set-chosen", [PausePoint.DirectoryVariable] = pauses,
        });
        var reached = Path.Combine(pauses, "backup.media-set-chosen.reached");
        using (var deadline = new CancellationTokenSource(TimeSpan.FromMinutes(2)))
            while (!File.Exists(reached))
            {
                if (running.IsCompleted)
                    Assert.Fail($"The full backup job ended before it chose its media set: {(await running).Error}");
                await Task.Delay(50, deadline.Token);
            }

        var again = await CliProcess.RunAsync(Run("full-with-init"));
        var log = await CliProcess.RunAsync(Run("log-no-init"));
        File.WriteAllText(Path.Combine(pauses, "backup.media-set-chosen.release"), "");
        var finished = await running;

        Assert.True(finished.ExitCode == 0, finished.Error);
        foreach (var refused in new[] { again, log })
        {
            Assert.True(refused.ExitCode == ScheduledRunExitCodes.Refused, $"exit {refused.ExitCode}: {refused.Error}");
            Assert.Contains("full-with-init", refused.Error);
        }
        var runs = new ScheduleRunHistory(CatalogDatabase.Open(catalog)).Runs();
        Assert.Equal(1, runs.Count(r => r.Job == "full-with-init" && r.Status == ScheduleRunStatus.Succeeded));
        Assert.Equal(1, runs.Count(r => r.Job == "full-with-init" && r.Status == ScheduleRunStatus.Refused));
        Assert.Equal(1, runs.Count(r => r.Job == "log-no-init" && r.Status == ScheduleRunStatus.Refused));
        Assert.Single(new BackupSetCatalog(CatalogDatabase.Open(catalog)).GetBackupSets());

        // Once it is done, the log job runs.
        PostgreSqlPair.Execute(pair.PrimaryPort, PostgreSqlPair.Database, "SELECT pg_switch_wal()");
        var after = await CliProcess.RunAsync(Run("log-no-init"));
        Assert.True(after.ExitCode == 0, after.Error);
    }
}
