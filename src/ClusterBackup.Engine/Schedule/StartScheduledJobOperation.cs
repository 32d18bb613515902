using ClusterBackup.Engine.Catalog;
using ClusterBackup.Engine.Common;

namespace ClusterBackup.Engine.Schedule;

/// <summary>Exit statuses of a scheduled run, as the scheduler's history shows them.</summary>
public static class ScheduledRunExitCodes
{
    public const int Succeeded = 0;
    public const int Failed = 1;
    /// <summary>EX_TEMPFAIL of sysexits.h: refused because a conflicting job runs; the next start will try again.</summary>
    public const int Refused = 75;
}

public sealed record StartScheduledJobRequest(BackupSchedule Schedule, string JobName);

/// <summary>How one scheduled run ended; <see cref="ExitCode"/> is what the process should exit with.</summary>
public sealed record ScheduledJobRunResult
{
    public required string Schedule { get; init; }
    public required string Job { get; init; }
    public required ScheduledJobType Type { get; init; }
    public required string RunId { get; init; }
    public required ScheduleRunStatus Status { get; init; }
    public required DateTimeOffset Started { get; init; }
    public required DateTimeOffset Finished { get; init; }
    public string? Message { get; init; }
    public GuardHolder? BlockedBy { get; init; }
    public TimeSpan Duration => Finished - Started;
    public int ExitCode => Status switch
    {
        ScheduleRunStatus.Succeeded => ScheduledRunExitCodes.Succeeded,
        ScheduleRunStatus.Refused => ScheduledRunExitCodes.Refused,
        _ => ScheduledRunExitCodes.Failed,
    };
}

/// <summary>
/// What a scheduled task, unit or crontab line runs: takes the guard's lock for the job (or records a refusal and
/// returns), renews the lease while the runner works, records the run (its duration feeds learned durations) and
/// releases the lock, also when the runner throws or is cancelled.
/// </summary>
public sealed class StartScheduledJobOperation(CatalogDatabase catalog, ScheduledJobRunnerRegistry runners, TimeProvider? clock = null)
{
    private readonly TimeProvider _clock = clock ?? TimeProvider.System;

    /// <summary>Lets tests use a short lease; the heartbeat renews it at a third of its length.</summary>
    public TimeSpan Lease { get; init; } = ScheduleGuard.DefaultLease;

    public async Task<ScheduledJobRunResult> RunAsync(StartScheduledJobRequest request, IOperationReporter reporter, CancellationToken cancellationToken)
    {
        var schedule = request.Schedule;
        var job = schedule.Job(request.JobName);
        if (!job.Enabled)
            throw new ClusterBackupException(ErrorKind.InvalidOperation, job.Name, $"Job '{job.Name}' of schedule '{schedule.Name}' is disabled.");
        var guard = new ScheduleGuard(catalog, _clock) { Lease = Lease };
        var started = _clock.GetUtcNow();
        var decision = guard.TryAcquire(JobFootprint.Of(schedule, job));
        foreach (var reclaimed in decision.Reclaimed)
            reporter.Warning($"Reclaimed a stale lock of {reclaimed}.");
        if (!decision.Admitted)
        {
            reporter.Warning(decision.Reason!);
            return Result(ScheduleRunStatus.Refused, decision.Reason, decision.BlockedBy);
        }

        reporter.Verbose($"Job '{job.Name}' ({job.TypeName}) of schedule '{schedule.Name}' holds the lock (run {decision.RunId}).");
        CrashPoint.Reach("schedule.admitted");
        using var stopHeartbeat = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        var heartbeat = HeartbeatAsync(guard, decision.RunId, reporter, stopHeartbeat.Token);
        ScheduleRunStatus status;
        string message;
        try
        {
            var runner = runners.For(job);
            message = await runner.RunAsync(new ScheduledJobContext(schedule, job, decision.RunId, catalog, reporter), cancellationToken).ConfigureAwait(false);
            status = ScheduleRunStatus.Succeeded;
        }
        catch (Exception ex)
        {
            status = ScheduleRunStatus.Failed;
            message = ex is OperationCanceledException ? "Stopped before it finished." : ex.Message;
            reporter.Warning($"Job '{job.Name}' failed: {message}");
        }
        finally
        {
            stopHeartbeat.Cancel();
            try { await heartbeat.ConfigureAwait(false); } catch (OperationCanceledException) { }
        }
        CrashPoint.Reach("schedule.before-release");
        guard.Release(decision.RunId, status, message);
        return Result(status, message, null);

        ScheduledJobRunResult Result(ScheduleRunStatus s, string? m, GuardHolder? blockedBy) => new()
        {
            Schedule = schedule.Name, Job = job.Name, Type = job.Type, RunId = decision.RunId, Status = s,
            Started = started, Finished = _clock.GetUtcNow(), Message = m, BlockedBy = blockedBy,
        };
    }

    private async Task HeartbeatAsync(ScheduleGuard guard, string runId, IOperationReporter reporter, CancellationToken token)
    {
        var period = Lease / 3;
        while (!token.IsCancellationRequested)
        {
            await Task.Delay(period, _clock, token).ConfigureAwait(false);
            if (!guard.Heartbeat(runId))
                reporter.Warning($"The lock of run {runId} was reclaimed by another process (its lease lapsed); the job keeps running but is no longer guarded.");
        }
    }
}
