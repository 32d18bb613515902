using ClusterBackup.Engine.Catalog;
using ClusterBackup.Engine.Common;
using ClusterBackup.Engine.Schedule;

namespace ClusterBackup.Engine.Tests.Schedule;

/// <summary>
/// The history of scheduled runs: a run the catalog records Running whose lock has no live holder is listed Abandoned with the cause,
/// by the rule the guard reclaims by, and the listing writes nothing (the catalog still records it Running with its lock held).
/// </summary>
public sealed class GetJobHistoryOperationTests : IDisposable
{
    private readonly TempDirectory _temp = new("history");
    private readonly CatalogDatabase _catalog;
    private readonly BackupSchedule _schedule = WeeklyScheduleTemplate.Create("UTC");
    private readonly ManualClock _clock = new(new DateTimeOffset(2026, 11, 25, 4, 30, 0, TimeSpan.Zero));
    private readonly HashSet<int> _dead = [];

    public GetJobHistoryOperationTests() => _catalog = CatalogDatabase.OpenOrCreate(_temp.Combine("catalog.db"));

    public void Dispose() => _temp.Dispose();

    private ScheduleGuard Guard() => new(_catalog, _clock, "backup1", (pid, _) => !_dead.Contains(pid));

    private string Admit(string job, int pid) => Admit(JobFootprint.Of(_schedule, _schedule.Job(job)), pid);

    private string Admit(JobFootprint job, int pid)
    {
        var decision = Guard().TryAcquire(job, pid);
        Assert.True(decision.Admitted, decision.Reason);
        return decision.RunId;
    }

    private IReadOnlyList<ScheduleRun> History(ScheduleRunStatus? status = null) =>
        new GetJobHistoryOperation(_catalog, Guard()).RunAsync(new GetJobHistoryRequest(Status: status), NullOperationReporter.Instance, CancellationToken.None).Result;

    [Fact]
    public void ARunningRunWhoseProcessIsGoneIsListedAbandonedWithItsCauseAndNothingIsWritten()
    {
        var killed = Admit("full-with-init", 4242);
        var live = Admit(new JobFootprint("weekly", "log-billing", ScheduledJobType.TransDbNoInit, "SQLCLUSTER", @"\\BACKUPSRV\DBBackup", ["BILLING"]), 4343);
        _dead.Add(4242);

        var runs = History();
        var listed = runs.Single(r => r.RunId == killed);
        Assert.Equal(ScheduleRunStatus.Abandoned, listed.Status);
        Assert.Equal("Recorded Running, but process 4242 on backup1 is gone; the next run of a scheduled job records it Abandoned.", listed.Message);
        Assert.Null(listed.Finished);
        Assert.Equal(ScheduleRunStatus.Running, runs.Single(r => r.RunId == live).Status);

        // Read only: the catalog still records the run Running, and its lock is still there for the next run to reclaim.
        Assert.Equal(ScheduleRunStatus.Running, new ScheduleRunHistory(_catalog).Runs().Single(r => r.RunId == killed).Status);
        Assert.Contains(Guard().HeldLocks(), l => l.Holder.RunId == killed);

        Assert.Equal([killed], History(ScheduleRunStatus.Abandoned).Select(r => r.RunId));
        Assert.Equal([live], History(ScheduleRunStatus.Running).Select(r => r.RunId));
    }

    [Fact]
    public void ARunWhoseLeaseExpiredIsListedAbandonedUntilTheNextRunRecordsIt()
    {
        var stalled = Admit("full-with-init", 4242);
        _clock.Now += ScheduleGuard.DefaultLease + TimeSpan.FromSeconds(1);

        var listed = History().Single(r => r.RunId == stalled);
        Assert.Equal(ScheduleRunStatus.Abandoned, listed.Status);
        Assert.StartsWith("Recorded Running, but its lease expired at 2026-11-25 04:32:00Z without a heartbeat", listed.Message);

        // The next admitted run reclaims the lock and records the run Abandoned; the listing then shows what the catalog says.
        Admit("log-no-init", 5000);
        var recorded = History().Single(r => r.RunId == stalled);
        Assert.Equal(ScheduleRunStatus.Abandoned, recorded.Status);
        Assert.NotNull(recorded.Finished);
        Assert.StartsWith("Lock reclaimed: its lease expired", recorded.Message);
    }
}
