using ClusterBackup.Engine.Catalog;
using ClusterBackup.Engine.Common;

namespace ClusterBackup.Engine.Schedule;

/// <summary>Which recorded runs to list.</summary>
/// <param name="SchedulePath">The schedule file whose runs to list (by the schedule's name); every schedule's runs when null.</param>
/// <param name="Jobs">Only the runs of these jobs, by name; every job's when null or empty.</param>
/// <param name="Last">At most this many runs per job (all jobs together when <paramref name="Jobs"/> is empty), newest first.</param>
/// <param name="Status">Only runs that ended with this status.</param>
public sealed record GetJobHistoryRequest(string? SchedulePath = null, IReadOnlyList<string>? Jobs = null, int Last = GetJobHistoryRequest.DefaultLast,
    ScheduleRunStatus? Status = null)
{
    public const int DefaultLast = 100;
}

/// <summary>
/// Get-ClusterBackupJobHistory and `clusterbackup schedule history`: the runs of scheduled jobs the catalog recorded,
/// newest first, job by job in the order the jobs were named. A run the catalog records Running whose guard lock has no live
/// holder (its process is gone, or its lease expired: <see cref="ScheduleGuard.Staleness"/>, the rule the guard reclaims by) is
/// reported Abandoned with the cause, as the next admitted run will record it; the listing reads the catalog and never writes it.
/// </summary>
public sealed class GetJobHistoryOperation(CatalogDatabase catalog, ScheduleGuard? guard = null)
{
    public Task<IReadOnlyList<ScheduleRun>> RunAsync(GetJobHistoryRequest request, IOperationReporter reporter, CancellationToken cancellationToken)
    {
        cancellationToken.ThrowIfCancellationRequested();
        if (request.Last < 1)
            throw new ClusterBackupException(ErrorKind.InvalidArgument, "Last", $"The number of runs to list must be at least 1, not {request.Last}.");
        var schedule = request.SchedulePath is null ? null : ScheduleFile.Read(request.SchedulePath).Name;
        var history = new ScheduleRunHistory(catalog);
        var judge = guard ?? new ScheduleGuard(catalog);
        var abandoned = AbandonedRuns(judge);
        var runs = new List<ScheduleRun>();
        foreach (var job in request.Jobs is { Count: > 0 } jobs ? jobs.Cast<string?>() : [null])
        {
            cancellationToken.ThrowIfCancellationRequested();
            // A run reported Abandoned is recorded Running: asked for either, both are read, then judged and filtered.
            var recorded = request.Status is ScheduleRunStatus.Running or ScheduleRunStatus.Abandoned
                ? history.Runs(schedule, job, request.Last, ScheduleRunStatus.Running).Concat(history.Runs(schedule, job, request.Last, ScheduleRunStatus.Abandoned))
                    .OrderByDescending(r => r.Started).ToList()
                : history.Runs(schedule, job, request.Last, request.Status);
            runs.AddRange(recorded.Select(r => r.Status == ScheduleRunStatus.Running && abandoned.TryGetValue(r.RunId, out var cause)
                    ? r with { Status = ScheduleRunStatus.Abandoned, Message = $"Recorded Running, but {cause}; the next run of a scheduled job records it Abandoned." }
                    : r)
                .Where(r => request.Status is null || r.Status == request.Status).Take(request.Last));
        }
        return Task.FromResult<IReadOnlyList<ScheduleRun>>(runs);
    }

    /// <summary>The runs whose lock has no live holder now, with why.</summary>
    private static Dictionary<string, string> AbandonedRuns(ScheduleGuard guard)
    {
        var now = guard.Now;
        var abandoned = new Dictionary<string, string>(StringComparer.Ordinal);
        foreach (var held in guard.HeldLocks())
            if (guard.Staleness(held.Holder, held.ProcessStarted, now) is { } cause)
                abandoned[held.Holder.RunId] = cause;
        return abandoned;
    }
}
