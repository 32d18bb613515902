namespace ClusterBackup.Engine.Schedule;

/// <summary>
/// What a running job touches, as far as conflicts go: its side (database -> share or share -> tape), the share,
/// and the databases. The overlap check compares planned runs with it and the runtime guard compares the job about
/// to start with the locks in the catalog, so both apply exactly the same rule (<see cref="JobConflictRule"/>).
/// </summary>
public sealed record JobFootprint(string Schedule, string Job, ScheduledJobType Type, string? Cluster, string? Share, IReadOnlyList<string> Databases)
{
    public static JobFootprint Of(BackupSchedule schedule, ScheduledJob job) =>
        new(schedule.Name, job.Name, job.Type, job.Cluster, job.Share, job.Databases);
}

/// <summary>
/// Which jobs must never run at the same time (the database -> share backups and the share -> tape backup are
/// coordinated so that they never overlap): a job and another run of itself; a database -> share
/// job and a share -> tape job on the same share (or where either leaves the share unnamed); two database -> share
/// jobs on a common database of the same cluster (a log backup during a full, two fulls); two tape jobs of one share.
/// </summary>
public static class JobConflictRule
{
    /// <summary>Why <paramref name="a"/> and <paramref name="b"/> may not overlap, or null when they may.</summary>
    public static string? Reason(JobFootprint a, JobFootprint b)
    {
        if (Same(a.Schedule, b.Schedule) && Same(a.Job, b.Job))
            return $"a run of '{a.Job}' is still going when the next one starts";
        var sameShare = a.Share is null || b.Share is null || Same(a.Share, b.Share);
        var categoryA = a.Type.Category();
        var categoryB = b.Type.Category();
        if (categoryA != categoryB)
        {
            if (!sameShare)
                return null;
            var (db, tape) = categoryA == JobCategory.DatabaseToShare ? (a, b) : (b, a);
            return $"database -> share job '{db.Job}' ({db.Type.DisplayName()}) overlaps share -> tape job '{tape.Job}'" + (tape.Share is null ? "" : $" on {tape.Share}");
        }
        if (categoryA == JobCategory.ShareToTape)
            return sameShare ? $"two share -> tape jobs read {a.Share ?? b.Share ?? "the share"} at once" : null;
        if (a.Cluster is not null && b.Cluster is not null && !Same(a.Cluster, b.Cluster))
            return null;
        var common = a.Databases.Where(d => b.Databases.Any(e => Same(d, e))).ToList();
        if (common.Count == 0)
            return null;
        var what = string.Join(", ", common);
        if (a.Type.IsLog() != b.Type.IsLog())
        {
            var (log, full) = a.Type.IsLog() ? (a, b) : (b, a);
            return $"log backup '{log.Job}' runs during full backup '{full.Job}' of {what}";
        }
        return $"'{a.Job}' and '{b.Job}' both back up {what}";
    }

    private static bool Same(string? x, string? y) => string.Equals(x, y, StringComparison.OrdinalIgnoreCase);
}
