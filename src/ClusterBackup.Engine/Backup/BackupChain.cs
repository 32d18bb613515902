using System.Globalization;
using ClusterBackup.Engine.Catalog;

namespace ClusterBackup.Engine.Backup;

/// <summary>
/// Which catalogued backups belong together. The chain of a database is its completed backups that are not
/// copy-only, oldest first. A log backup continues from the previous log backup (or, when there is none or a new
/// log chain is asked for, from the latest full); a differential is based on the latest full backup; a restore uses
/// a full backup, the latest differential based on it, and the log backups taken after that differential (after the
/// full when there is none), as SQL Server's restore sequence is full, differential, logs.
/// </summary>
public static class BackupChain
{
    public static IReadOnlyList<BackupSet> ChainSets(BackupSetCatalog catalog, string virtualServer, string database) =>
        catalog.GetBackupSets(new BackupSetQuery(virtualServer, database, Status: BackupSetStatus.Completed))
            .Where(s => !s.CopyOnly).OrderBy(s => s.Started).ToList();

    /// <summary>
    /// The backup a new one follows: for a full the last backup, for a differential the full it is based on, for a log the
    /// last log or the full. Null when the database has no full backup (a log or differential backup is then refused).
    /// </summary>
    public static BackupSet? PreviousFor(IReadOnlyList<BackupSet> chain, BackupType type, bool newLogChain)
    {
        var lastFull = chain.LastOrDefault(s => s.Type == BackupType.Full);
        if (type == BackupType.Full)
            return chain.LastOrDefault();
        if (lastFull is null || type == BackupType.Differential)
            return lastFull;
        return newLogChain ? lastFull : chain.LastOrDefault(s => s.Type == BackupType.Log) ?? lastFull;
    }

    /// <summary>
    /// What verifying or restore-testing <paramref name="set"/> needs: the full backup before it, then for a differential the
    /// differential itself, for a log the log backups from the full up to it.
    /// </summary>
    public static IReadOnlyList<BackupSet> ChainUpTo(IReadOnlyList<BackupSet> chain, BackupSet set)
    {
        if (set.Type == BackupType.Differential)
            return BaseOf(chain, set) is { } differentialBase ? [differentialBase, set] : [set];
        var full = chain.LastOrDefault(s => s.Type == BackupType.Full && s.Started <= set.Started);
        if (full is null)
            return [set];
        return [full, .. chain.Where(s => s.Type == BackupType.Log && s.Started > full.Started && s.Started <= set.Started)];
    }

    /// <summary>
    /// The full backup a differential is based on: the last full backup, not copy-only (a copy-only full does not reset the
    /// differential base), started before it. Null when there is none, or when the LSNs show the differential is based on
    /// another full (one taken outside ClusterBackup): the catalog then holds no base it can be restored over.
    /// </summary>
    public static BackupSet? BaseOf(IReadOnlyList<BackupSet> sets, BackupSet differential)
    {
        var full = sets.LastOrDefault(s => s.Type == BackupType.Full && !s.CopyOnly && s.Status == BackupSetStatus.Completed && s.Started < differential.Started);
        if (full is null)
            return null;
        return full.CheckpointLsn is { } checkpoint && differential.DifferentialBaseLsn is { } differentialBase && checkpoint != differentialBase ? null : full;
    }

    /// <summary>
    /// The latest completed differential based on <paramref name="full"/> that finished by <paramref name="until"/> (null: any);
    /// null when there is none. <paramref name="sets"/> are one database's backups, oldest first.
    /// </summary>
    public static BackupSet? LatestDifferential(IReadOnlyList<BackupSet> sets, BackupSet full, DateTimeOffset? until = null) =>
        sets.LastOrDefault(s => s.Type == BackupType.Differential && !s.CopyOnly && s.Status == BackupSetStatus.Completed
            && (until is null || s.Finished <= until) && BaseOf(sets, s)?.BackupSetId == full.BackupSetId);

    /// <summary>
    /// The log backups a restore applies after <paramref name="restored"/> (the full, or the differential over it): those started
    /// after it, not copy-only. After a differential, a log that ends at or before the differential's last LSN (one that ran
    /// while the differential was taken) is too early to apply, and is left out when both LSNs are SQL Server's decimal LSNs.
    /// </summary>
    public static IReadOnlyList<BackupSet> LogsAfter(IReadOnlyList<BackupSet> sets, BackupSet restored) =>
        sets.Where(s => s.Type == BackupType.Log && !s.CopyOnly && s.Status == BackupSetStatus.Completed && s.Started > restored.Started
                && !(restored.Type == BackupType.Differential && EndsBy(s, restored)))
            .OrderBy(s => s.Started).ToList();

    /// <summary>The full backup, the latest differential based on it and the logs after them: what restores <paramref name="full"/>'s chain.</summary>
    public static IReadOnlyList<BackupSet> RestoreSequence(IReadOnlyList<BackupSet> sets, BackupSet full)
    {
        var differential = LatestDifferential(sets, full);
        return [full, .. differential is null ? [] : new[] { differential }, .. LogsAfter(sets, differential ?? full)];
    }

    private static bool EndsBy(BackupSet log, BackupSet differential) =>
        decimal.TryParse(log.LastLsn, NumberStyles.None, CultureInfo.InvariantCulture, out var logEnd)
        && decimal.TryParse(differential.LastLsn, NumberStyles.None, CultureInfo.InvariantCulture, out var differentialEnd)
        && logEnd <= differentialEnd;
}
