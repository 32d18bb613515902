using System.Diagnostics;
using ClusterBackup.Engine.Catalog;
using ClusterBackup.Engine.Common;
using ClusterBackup.Engine.Schedule;

namespace ClusterBackup.Engine.Tests.Schedule;

public sealed class ScheduleGuardTests : IDisposable
{
    private readonly TempDirectory _temp = new("guard");
    private readonly CatalogDatabase _catalog;
    private readonly BackupSchedule _schedule = WeeklyScheduleTemplate.Create("UTC");
    private readonly ManualClock _clock = new(new DateTimeOffset(2026, 11, 25, 4, 30, 0, TimeSpan.Zero));

    public ScheduleGuardTests() => _catalog = CatalogDatabase.OpenOrCreate(_temp.Combine("catalog.db"));

    public void Dispose() => _temp.Dispose();

    private JobFootprint Footprint(string job) => JobFootprint.Of(_schedule, _schedule.Job(job));

    private ScheduleGuard Guard(Func<int, DateTimeOffset?, bool>? alive = null) => new(_catalog, _clock, "backup1", alive ?? ((_, _) => true));

    [Fact]
    public void TheSchedulingMigrationIsInItsRange() =>
        Assert.Contains(CatalogDatabase.DiscoverMigrations(), m => m.Version == 20 && m.Name == "schedule runs and job locks");

    [Fact]
    public void ALogBackupIsRefusedWhileTheTapeJobRuns()
    {
        var guard = Guard();
        var tape = guard.TryAcquire(Footprint("share-to-tape"), 4242);
        Assert.True(tape.Admitted);

        var log = guard.TryAcquire(Footprint("log-no-init"), 4343);
        Assert.False(log.Admitted);
        Assert.Equal("share-to-tape", log.BlockedBy!.Job);
        Assert.Equal(4242, log.BlockedBy.ProcessId);
        Assert.Contains("Refused to start 'log-no-init': 'share-to-tape' (Share -> tape) has been running since 2026-11-25 04:30:00Z on backup1 (pid 4242)", log.Reason);

        var runs = new ScheduleRunHistory(_catalog).Runs(limit: 10);
        Assert.Equal(ScheduleRunStatus.Refused, runs.Single(r => r.Job == "log-no-init").Status);
        Assert.Equal(ScheduleRunStatus.Running, runs.Single(r => r.Job == "share-to-tape").Status);

        guard.Release(tape.RunId, ScheduleRunStatus.Succeeded, "done");
        Assert.True(guard.TryAcquire(Footprint("log-no-init"), 4343).Admitted);
    }

    [Fact]
    public void ALogBackupIsRefusedDuringAFullOfTheSameDatabaseButNotOfAnother()
    {
        var guard = Guard();
        Assert.True(guard.TryAcquire(Footprint("full-with-init")).Admitted);
        var log = guard.TryAcquire(Footprint("log-no-init"));
        Assert.False(log.Admitted);
        Assert.Contains("log backup 'log-no-init' runs during full backup 'full-with-init' of PREPAID", log.Reason);

        var other = new JobFootprint("weekly", "log-billing", ScheduledJobType.TransDbNoInit, "SQLCLUSTER", @"\\BACKUPSRV\DBBackup", ["BILLING"]);
        Assert.True(guard.TryAcquire(other).Admitted);
    }

    [Fact]
    public void AJobDoesNotStartTwice()
    {
        var guard = Guard();
        Assert.True(guard.TryAcquire(Footprint("log-no-init")).Admitted);
        var again = guard.TryAcquire(Footprint("log-no-init"));
        Assert.False(again.Admitted);
        Assert.Contains("still going", again.Reason);
    }

    [Fact]
    public void AnExpiredLeaseIsReclaimedAndItsRunMarkedAbandoned()
    {
        var guard = Guard();
        var crashed = guard.TryAcquire(Footprint("share-to-tape"));
        _clock.Now += ScheduleGuard.DefaultLease - TimeSpan.FromSeconds(1);
        Assert.False(guard.TryAcquire(Footprint("log-no-init")).Admitted);
        _clock.Now += TimeSpan.FromSeconds(1);
        var log = guard.TryAcquire(Footprint("log-no-init"));
        Assert.True(log.Admitted);
        Assert.Contains("lease expired", Assert.Single(log.Reclaimed));
        var abandoned = new ScheduleRunHistory(_catalog).Runs(job: "share-to-tape").Single();
        Assert.Equal(ScheduleRunStatus.Abandoned, abandoned.Status);
        Assert.Equal(crashed.RunId, abandoned.RunId);
    }

    [Fact]
    public void AHeartbeatKeepsTheLeaseAlive()
    {
        var guard = Guard();
        var tape = guard.TryAcquire(Footprint("share-to-tape"));
        for (var i = 0; i < 5; i++)
        {
            _clock.Now += TimeSpan.FromMinutes(1);
            Assert.True(guard.Heartbeat(tape.RunId));
        }
        Assert.False(guard.TryAcquire(Footprint("log-no-init")).Admitted);
    }

    [Fact]
    public void ALockOfAProcessThatIsGoneOnThisHostIsReclaimedAtOnce()
    {
        using var exited = Process.Start(new ProcessStartInfo("true") { UseShellExecute = false })!;
        exited.WaitForExit();
        var guard = new ScheduleGuard(_catalog, _clock, Environment.MachineName);
        var crashed = guard.TryAcquire(Footprint("share-to-tape"), exited.Id, DateTimeOffset.UtcNow.AddMinutes(-1));
        Assert.True(crashed.Admitted);

        var log = guard.TryAcquire(Footprint("log-no-init"));
        Assert.True(log.Admitted);
        Assert.Contains($"process {exited.Id} on {Environment.MachineName} is gone", Assert.Single(log.Reclaimed));
    }

    [Fact]
    public void AReusedProcessIdDoesNotKeepALockAlive()
    {
        var me = Process.GetCurrentProcess();
        Assert.True(ScheduleGuard.ProcessAlive(me.Id, me.StartTime.ToUniversalTime()));
        Assert.False(ScheduleGuard.ProcessAlive(me.Id, me.StartTime.ToUniversalTime().AddHours(-3)));
    }

    [Fact]
    public void ALockHeldOnAnotherHostWaitsForItsLease()
    {
        var guard = Guard(alive: (_, _) => false);
        var remote = new ScheduleGuard(_catalog, _clock, "backup2", (_, _) => false);
        Assert.True(remote.TryAcquire(Footprint("share-to-tape"), 99999).Admitted);
        Assert.False(guard.TryAcquire(Footprint("log-no-init")).Admitted); // cannot see backup2's processes
    }
}

public sealed class RunScheduledJobTests : IDisposable
{
    private readonly TempDirectory _temp = new("run");
    private readonly CatalogDatabase _catalog;
    private readonly BackupSchedule _schedule = WeeklyScheduleTemplate.Create("UTC");

    public RunScheduledJobTests() => _catalog = CatalogDatabase.OpenOrCreate(_temp.Combine("catalog.db"));

    public void Dispose() => _temp.Dispose();

    /// <summary>A runner the tests register: records what it ran and can block, fail or check the lock.</summary>
    private sealed class RecordingRunner(params ScheduledJobType[] types) : IScheduledJobRunner
    {
        public IReadOnlyCollection<ScheduledJobType> JobTypes => types;
        public List<string> Ran { get; } = [];
        public Func<ScheduledJobContext, Task>? During { get; init; }
        public Exception? Fail { get; init; }

        public async Task<string> RunAsync(ScheduledJobContext context, CancellationToken cancellationToken)
        {
            Ran.Add(context.Job.Name);
            if (During is not null)
                await During(context);
            if (Fail is not null)
                throw Fail;
            return $"ran {context.Job.Name}";
        }
    }

    [Fact]
    public async Task ARunTakesTheLockRecordsTheRunAndReleasesTheLock()
    {
        var holders = new List<GuardHolder>();
        var runner = new RecordingRunner(ScheduledJobType.ShareToTape) { During = _ => { holders.AddRange(new ScheduleGuard(_catalog).Holders()); return Task.CompletedTask; } };
        var result = await new StartScheduledJobOperation(_catalog, new ScheduledJobRunnerRegistry([runner]))
            .RunAsync(new StartScheduledJobRequest(_schedule, "share-to-tape"), NullOperationReporter.Instance, CancellationToken.None);

        Assert.Equal(ScheduleRunStatus.Succeeded, result.Status);
        Assert.Equal(0, result.ExitCode);
        Assert.Equal(["share-to-tape"], runner.Ran);
        Assert.Equal("share-to-tape", Assert.Single(holders).Job);
        Assert.Empty(new ScheduleGuard(_catalog).Holders());
        var run = new ScheduleRunHistory(_catalog).Runs().Single();
        Assert.Equal((ScheduleRunStatus.Succeeded, "ran share-to-tape", result.RunId), (run.Status, run.Message, run.RunId));
        Assert.NotNull(run.Finished);
    }

    [Fact]
    public async Task AConflictingRunIsRefusedWithTheDistinctExitStatus()
    {
        var registry = new ScheduledJobRunnerRegistry([new RecordingRunner(ScheduledJobType.TransDbNoInit)]);
        var tape = new ScheduleGuard(_catalog).TryAcquire(JobFootprint.Of(_schedule, _schedule.Job("share-to-tape")));
        var warnings = new List<string>();
        var result = await new StartScheduledJobOperation(_catalog, registry)
            .RunAsync(new StartScheduledJobRequest(_schedule, "log-no-init"), new ListReporter(warnings), CancellationToken.None);
        Assert.Equal(ScheduleRunStatus.Refused, result.Status);
        Assert.Equal(ScheduledRunExitCodes.Refused, result.ExitCode);
        Assert.Equal(75, result.ExitCode);
        Assert.Equal(tape.RunId, result.BlockedBy!.RunId);
        Assert.Contains(warnings, w => w.StartsWith("Refused to start 'log-no-init'"));
    }

    [Fact]
    public async Task AFailingRunnerFailsTheRunAndStillReleasesTheLock()
    {
        var runner = new RecordingRunner(ScheduledJobType.FullDbWithInit) { Fail = new ClusterBackupException(ErrorKind.ConnectionError, "SQLVS1", "SQLVS1 does not answer") };
        var result = await new StartScheduledJobOperation(_catalog, new ScheduledJobRunnerRegistry([runner]))
            .RunAsync(new StartScheduledJobRequest(_schedule, "full-with-init"), NullOperationReporter.Instance, CancellationToken.None);
        Assert.Equal((ScheduleRunStatus.Failed, 1, "SQLVS1 does not answer"), (result.Status, result.ExitCode, result.Message));
        Assert.Empty(new ScheduleGuard(_catalog).Holders());
    }

    [Fact]
    public async Task AJobTypeWithoutARunnerFailsWithItsName()
    {
        var result = await new StartScheduledJobOperation(_catalog, new ScheduledJobRunnerRegistry([]))
            .RunAsync(new StartScheduledJobRequest(_schedule, "full-no-init"), NullOperationReporter.Instance, CancellationToken.None);
        Assert.Equal(ScheduleRunStatus.Failed, result.Status);
        Assert.Equal("No runner for FullDB No Init jobs is installed in this build, so job 'full-no-init' cannot run.", result.Message);
    }

    [Fact]
    public async Task TheHeartbeatRenewsTheLeaseWhileTheJobRuns()
    {
        var clock = new ManualClock(DateTimeOffset.UtcNow);
        var lease = TimeSpan.FromMilliseconds(300);
        DateTimeOffset? expiresAfterBeats = null;
        var runner = new RecordingRunner(ScheduledJobType.ShareToTape)
        {
            During = async context =>
            {
                var first = new ScheduleGuard(_catalog).Holders().Single().Expires;
                clock.Now += TimeSpan.FromHours(1);
                // Wait until a heartbeat has renewed the lease from the moved clock. The lease is 300 ms, so a
                // heartbeat is due every 100 ms; a minute without one is a broken heartbeat, not a slow machine.
                var deadline = DateTime.UtcNow + TimeSpan.FromMinutes(1);
                while (new ScheduleGuard(_catalog).Holders().Single().Expires <= first)
                {
                    Assert.True(DateTime.UtcNow < deadline, "no heartbeat renewed the lease within a minute");
                    await Task.Delay(20);
                }
                expiresAfterBeats = new ScheduleGuard(_catalog).Holders().Single().Expires;
            },
        };
        await new StartScheduledJobOperation(_catalog, new ScheduledJobRunnerRegistry([runner]), clock) { Lease = lease }
            .RunAsync(new StartScheduledJobRequest(_schedule, "share-to-tape"), NullOperationReporter.Instance, CancellationToken.None);
        Assert.Equal(clock.Now + lease, expiresAfterBeats);
    }

    [Fact]
    public void TwoRunnersForOneJobTypeAreRefused() =>
        Assert.Throws<InvalidOperationException>(() => new ScheduledJobRunnerRegistry(
            [new RecordingRunner(ScheduledJobType.ShareToTape), new RecordingRunner(ScheduledJobType.ShareToTape)]));

    [Fact]
    public async Task LearnedDurationsAreThe95thPercentileOfTheLastTenRuns()
    {
        var job = _schedule.Job("log-no-init");
        var estimator = new DurationEstimator(_catalog, _schedule.Name);
        Assert.Equal(job.ExpectedDuration, estimator.Expected(job));
        var clock = new ManualClock(new DateTimeOffset(2026, 11, 1, 0, 0, 0, TimeSpan.Zero));
        var minutes = new[] { 50, 12, 14, 13, 15, 11, 16, 18, 17, 19, 22 }; // the 50 is the oldest and falls out of the window
        foreach (var m in minutes)
        {
            var runner = new RecordingRunner(ScheduledJobType.TransDbNoInit) { During = _ => { clock.Now += TimeSpan.FromMinutes(m); return Task.CompletedTask; } };
            await new StartScheduledJobOperation(_catalog, new ScheduledJobRunnerRegistry([runner]), clock)
                .RunAsync(new StartScheduledJobRequest(_schedule, job.Name), NullOperationReporter.Instance, CancellationToken.None);
            clock.Now += TimeSpan.FromHours(3);
        }
        Assert.Equal(TimeSpan.FromMinutes(22), estimator.Expected(job));
        Assert.Equal(TimeSpan.FromMinutes(19), DurationEstimator.Percentile95([.. Enumerable.Range(1, 19).Select(i => TimeSpan.FromMinutes(i)), TimeSpan.FromMinutes(99)]));
        Assert.Equal(job.ExpectedDuration, new DurationEstimator(_catalog, _schedule.Name).Expected(job with { LearnDuration = false }));
    }

    private sealed class ListReporter(List<string> warnings) : IOperationReporter
    {
        public void Progress(string activity, string status, int percentComplete) { }
        public void Verbose(string message) { }
        public void Warning(string message) { lock (warnings) warnings.Add(message); }
    }
}
