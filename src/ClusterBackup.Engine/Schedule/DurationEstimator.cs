using ClusterBackup.Engine.Catalog;

namespace ClusterBackup.Engine.Schedule;

/// <summary>
/// How long a job is expected to run: the duration the admin gave, or, when the job learns and the catalog holds at
/// least <see cref="MinimumRuns"/> successful runs, the 95th percentile (nearest rank) of the last
/// <see cref="Window"/> of them. With 10 runs the nearest-rank 95th percentile is the longest: a schedule that is
/// safe with it was safe every time lately.
/// </summary>
public sealed class DurationEstimator(CatalogDatabase? catalog, string schedule)
{
    public const int Window = 10;
    public const int MinimumRuns = 3;

    public TimeSpan Expected(ScheduledJob job) => Learned(job) ?? job.ExpectedDuration;

    public TimeSpan? Learned(ScheduledJob job)
    {
        if (catalog is null || !job.LearnDuration)
            return null;
        var durations = new ScheduleRunHistory(catalog).Runs(schedule, job.Name, Window, ScheduleRunStatus.Succeeded)
            .Select(r => r.Duration).OfType<TimeSpan>().ToList();
        return durations.Count < MinimumRuns ? null : Percentile95(durations);
    }

    /// <summary>Nearest-rank 95th percentile: the smallest value at or above 95 percent of the values.</summary>
    public static TimeSpan Percentile95(IReadOnlyCollection<TimeSpan> values)
    {
        var sorted = values.Order().ToList();
        var rank = (int)Math.Ceiling(0.95 * sorted.Count);
        return sorted[Math.Max(rank, 1) - 1];
    }
}
