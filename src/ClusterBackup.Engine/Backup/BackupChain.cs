using ClusterBackup.Engine.Catalog;

namespace ClusterBackup.Engine.Backup;

/// <summary>
/// Which catalogued backups belong together. The chain of a database is its completed backups that are not
/// copy-only, oldest first; a log backup continues from the previous log backup (or, when there is none or
/// a new log chain is asked for, from the latest full), and a restore uses a full backup plus the log
/// backups taken after it.
/// </summary>
public static class BackupChain
{
    public static IReadOnlyList<BackupSet> ChainSets(BackupSetCatalog catalog, string virtualServer, string database) =>
        catalog.GetBackupSets(new BackupSetQuery(virtualServer, database, Status: BackupSetStatus.Completed))
            .Where(s => !s.CopyOnly).OrderBy(s => s.Started).ToList();

    /// <summary>The backup a new one follows; null when the database has no full backup (a log backup is then refused).</summary>
    public static BackupSet? PreviousFor(IReadOnlyList<BackupSet> chain, BackupType type, bool newLogChain)
    {
        var lastFull = chain.LastOrDefault(s => s.Type == BackupType.Full);
        if (type == BackupType.Full)
            return chain.LastOrDefault();
        if (lastFull is null)
            return null;
        return newLogChain ? lastFull : chain.LastOrDefault(s => s.Type == BackupType.Log) ?? lastFull;
    }

    /// <summary>The full backup before <paramref name="set"/> and the log backups from it up to <paramref name="set"/>.</summary>
    public static IReadOnlyList<BackupSet> ChainUpTo(IReadOnlyList<BackupSet> chain, BackupSet set)
    {
        var full = chain.LastOrDefault(s => s.Type == BackupType.Full && s.Started <= set.Started);
        if (full is null)
            return [set];
        return [full, .. chain.Where(s => s.Type == BackupType.Log && s.Started > full.Started && s.Started <= set.Started)];
    }
}
