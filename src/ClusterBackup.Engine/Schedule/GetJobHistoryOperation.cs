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
/// newest first, job by job in the order the jobs were named.
/// </summary>
public sealed class GetJobHistoryOperation(CatalogDatabase catalog)
{
    public Task<IReadOnlyList<ScheduleRun>> RunAsync(GetJobHistoryRequest request, IOperationReporter reporter, CancellationToken cancellationToken)
    {
        cancellationToken.ThrowIfCancellationRequested();
        if (request.Last < 1)
            throw new ClusterBackupException(ErrorKind.InvalidArgument, "Last", $"The number of runs to list must be at least 1, not {request.Last}.");
        var schedule = request.SchedulePath is null ? null : ScheduleFile.Read(request.SchedulePath).Name;
        var history = new ScheduleRunHistory(catalog);
        var runs = new List<ScheduleRun>();
        foreach (var job in request.Jobs is { Count: > 0 } jobs ? jobs.Cast<string?>() : [null])
        {
            cancellationToken.ThrowIfCancellationRequested();
            runs.AddRange(history.Runs(schedule, job, request.Last, request.Status));
        }
        return Task.FromResult<IReadOnlyList<ScheduleRun>>(runs);
    }
}
