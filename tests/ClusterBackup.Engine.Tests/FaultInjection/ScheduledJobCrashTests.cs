using ClusterBackup.Engine.Catalog;
using ClusterBackup.Engine.Schedule;
using ClusterBackup.Engine.Tests.Databases.PostgreSql;
using Newtonsoft.Json.Linq;
using Xunit.Abstractions;

namespace ClusterBackup.Engine.Tests.FaultInjection;

/// <summary>
/// A scheduled full backup job (`clusterbackup schedule run`, what the exported timers and tasks call) against the real PostgreSQL
/// pair, its process killed (SIGKILL) once the guard admitted it, while its backup writes, after the backup finished but before the
/// run was recorded, and at seeded random moments. After every kill: no child survives, the next run of the job is admitted at once
/// (the dead holder's lock is reclaimed, and the run says so), the history lists the killed run Abandoned with its cause even before
/// that next run records it so (a listing writes nothing), and afterwards records it Abandoned with the cause (never
/// Succeeded, never still Running), and the backups the job took verify. Few kills: each run is a real full backup.
/// </summary>
public sealed class ScheduledJobCrashTests(PostgreSqlPair pair, ITestOutputHelper output) : IClassFixture<PostgreSqlPair>
{
    public static readonly string[] Points = ["backup.mid-write", "schedule.before-release"];

    [Fact]
    public async Task AScheduledJobKilledMidRunIsRecordedAbandonedAndTheNextRunIsAdmittedAndSucceeds()
    {
        var seed = BackupCrashMatrixTests.CrashSeed;
        output.WriteLine($"crash seed {seed} (CLUSTERBACKUP_TEST_CRASH_SEED={seed} replays it)");
        var random = new Random(seed);
        var root = Path.Combine(pair.Root, "scheduled-crash-" + Guid.NewGuid().ToString("N")[..8]);
        var share = Path.Combine(root, "share");
        Directory.CreateDirectory(share);
        var configurationPath = Path.Combine(root, "clusterbackup.json");
        var configuration = JObject.Parse(File.ReadAllText(pair.ConfigurationPath));
        configuration["clusters"]![0]!["settings"]!["topologyFile"] = pair.TopologyPath;
        configuration["servers"]![0]!["settings"]!["walArchive"] = pair.Archive;
        File.WriteAllText(configurationPath, configuration.ToString());
        var catalog = Path.Combine(root, "catalog.db");
        var schedulePath = Path.Combine(root, "weekly.json");
        ScheduleFile.Write(WeeklyScheduleTemplate.Create("UTC", cluster: PostgreSqlPair.Cluster, server: PostgreSqlPair.VirtualServer,
            database: PostgreSqlPair.Database, share: share), schedulePath);
        string[] Run() => ["schedule", "run", "--schedule", schedulePath, "--job", "full-with-init", "--catalog", catalog];
        List<ScheduleRun> History() => File.Exists(catalog) ? new ScheduleRunHistory(CatalogDatabase.Open(catalog)).Runs(job: "full-with-init").ToList() : [];

        var kills = Points.Select(p => (Point: (string?)p, Delay: (TimeSpan?)null))
            .Concat(Enumerable.Range(0, 1).Select(_ => (Point: (string?)null, Delay: (TimeSpan?)TimeSpan.FromMilliseconds(random.Next(500, 2500)))))
            .ToList();
        foreach (var (point, delay) in kills)
        {
            var what = point is not null ? $"crash point {point}" : $"SIGKILL after {delay!.Value.TotalMilliseconds:F0} ms";
            var before = History().Select(r => r.RunId).ToHashSet();
            var killed = await CliProcess.RunAsync(Run(), crashAt: point, killAfter: delay);
            var died = killed.KilledByCrashPoint || killed.KilledByTest;
            output.WriteLine($"scheduled job, {what}: {(died ? "killed" : $"finished with exit {killed.ExitCode}")}");
            if (point is not null)
                Assert.True(killed.KilledByCrashPoint, $"scheduled job at {point}: exit {killed.ExitCode}: {killed.Error}");
            else
                Assert.True(died || killed.ExitCode == 0, $"scheduled job, {what}: exit {killed.ExitCode}: {killed.Error}");
            Assert.Empty(await ProcessTable.SurvivorsAsync(root));
            var killedRun = History().SingleOrDefault(r => !before.Contains(r.RunId));
            if (died && killedRun is not null)
            {
                // Before the next run reclaims it, the history already says the run was abandoned and why, and leaves the catalog as it is.
                Assert.Equal(ScheduleRunStatus.Running, killedRun.Status);
                var listing = await CliProcess.RunAsync(["schedule", "history", "--job", "full-with-init", "--catalog", catalog, "--output", "json"]);
                Assert.True(listing.ExitCode == 0, listing.Error);
                Assert.Equal("", listing.Error);
                var listed = JArray.Parse(listing.Output).Single(r => (string?)r["RunId"] == killedRun.RunId);
                Assert.Equal("Abandoned", (string?)listed["Status"]);
                Assert.Contains($"process {killedRun.ProcessId} on {killedRun.Host} is gone; the next run of a scheduled job records it Abandoned", (string?)listed["Message"]);
                Assert.Equal(ScheduleRunStatus.Running, History().Single(r => r.RunId == killedRun.RunId).Status);
            }

            var next = await CliProcess.RunAsync(Run());
            Assert.True(next.ExitCode == 0, $"the scheduled run after the one killed at {what}: exit {next.ExitCode}: {next.Error}");
            var runs = History();
            Assert.DoesNotContain(runs, r => r.Status == ScheduleRunStatus.Running);
            if (died && killedRun is not null)
            {
                var recorded = runs.Single(r => r.RunId == killedRun.RunId);
                Assert.True(recorded.Status == ScheduleRunStatus.Abandoned, $"the run killed at {what} is recorded {recorded.Status}: {recorded.Message}");
                Assert.Contains("is gone", recorded.Message);
                Assert.NotNull(recorded.Finished);
                Assert.Contains("Reclaimed a stale lock of 'full-with-init'", next.Error);
            }
            else
                Assert.True(point is null && (killedRun is null || !died), $"the run killed at {what} is missing from the history");
        }
        var verify = await CliProcess.RunAsync(["verify", "--all", "--config", configurationPath, "--catalog", catalog,
            "--server", PostgreSqlPair.VirtualServer, "--database", PostgreSqlPair.Database]);
        Assert.True(verify.ExitCode == 0, $"verify --all after the killed scheduled jobs: exit {verify.ExitCode}: {verify.Error}{verify.Output}");
        Assert.Empty(await ProcessTable.SurvivorsAsync(root));
    }
}
