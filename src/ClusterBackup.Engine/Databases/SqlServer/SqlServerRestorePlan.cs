using ClusterBackup.Engine.Catalog;
using ClusterBackup.Engine.Common;

namespace ClusterBackup.Engine.Databases.SqlServer;

/// <summary>One backup to restore: the file, and the STOPAT time (server local time) when this is the last log.</summary>
/// <param name="BackupSet">The full backup, the differential or a log backup.</param>
/// <param name="File">The backup's file.</param>
/// <param name="StopAt">STOPAT in the server's local time, on the last log only.</param>
public sealed record SqlServerRestoreStep(BackupSet BackupSet, string File, DateTime? StopAt);

/// <summary>
/// Which backups of a chain a point-in-time restore applies: the full backup, then the differential when the chain has
/// one, then the logs in order up to and including the first log that ends at or after the point, the last with STOPAT.
/// Refuses a point before the full backup (or the differential) ended or after the chain's last log, so a restore never
/// silently stops short. Pure, tested without a server; the differential steps are exercised only against a test double.
/// </summary>
public static class SqlServerRestorePlan
{
    /// <param name="chain">A full backup, at most one differential based on it, and the log backups after them, in order.</param>
    /// <param name="pointInTime">Stop here; null applies every log of the chain.</param>
    /// <param name="serverOffset">The restoring server's offset from UTC: STOPAT is read in its local time.</param>
    public static IReadOnlyList<SqlServerRestoreStep> Build(IReadOnlyList<BackupSet> chain, DateTimeOffset? pointInTime, TimeSpan serverOffset)
    {
        if (chain.Count == 0 || chain[0].Type != BackupType.Full)
            throw new ClusterBackupException(ErrorKind.InvalidArgument, chain.FirstOrDefault()?.Database ?? "",
                "A restore chain starts with a full backup.");
        var full = chain[0];
        var differential = chain.Count > 1 && chain[1].Type == BackupType.Differential ? chain[1] : null;
        var logs = chain.Skip(differential is null ? 1 : 2).ToList();
        if (logs.FirstOrDefault(b => b.Type != BackupType.Log) is { } other)
            throw new ClusterBackupException(ErrorKind.InvalidArgument, full.Database,
                $"The restore chain of '{full.Database}' holds a {other.Type} backup ({other.BackupSetId}) among its logs; pass one full backup, at most one differential and its logs.");
        if (differential is not null && full.CheckpointLsn is { } checkpoint && differential.DifferentialBaseLsn is { } differentialBase && checkpoint != differentialBase)
            throw new ClusterBackupException(ErrorKind.InvalidArgument, differential.BackupSetId.ToString(),
                $"Differential backup {differential.BackupSetId} of '{full.Database}' is based on the full backup with checkpoint LSN {differentialBase}, not on {full.BackupSetId} (checkpoint LSN {checkpoint}).")
                { Cause = "DifferentialBaseMismatch" };
        var steps = new List<SqlServerRestoreStep> { new(full, FileOf(full), null) };
        if (differential is not null)
            steps.Add(new SqlServerRestoreStep(differential, FileOf(differential), null));
        if (pointInTime is null)
        {
            steps.AddRange(logs.Select(log => new SqlServerRestoreStep(log, FileOf(log), null)));
            return steps;
        }
        var point = pointInTime.Value;
        var restored = differential ?? full;
        if (restored.Finished is { } restoredEnd && point < restoredEnd)
            throw new ClusterBackupException(ErrorKind.InvalidArgument, full.Database,
                $"{point:u} is before the {(differential is null ? "full" : "differential")} backup of '{full.Database}' ended ({restoredEnd:u}); choose a later point or an older chain.");
        var stopAt = point.ToOffset(serverOffset).DateTime;
        foreach (var log in logs)
        {
            var reaches = log.Finished is { } end && end >= point;
            steps.Add(new SqlServerRestoreStep(log, FileOf(log), reaches ? stopAt : null));
            if (reaches)
                return steps;
        }
        var lastEnd = chain[^1].Finished ?? chain[^1].Started;
        throw new ClusterBackupException(ErrorKind.InvalidArgument, full.Database,
            $"The chain of '{full.Database}' ends at {lastEnd:u}, before {point:u}; take a log backup that covers that point first.");
    }

    private static string FileOf(BackupSet set) => set.Files.Count switch
    {
        1 => set.Files[0].Path,
        0 => throw new ClusterBackupException(ErrorKind.InvalidData, set.BackupSetId.ToString(), $"Backup set {set.BackupSetId} of '{set.Database}' records no file."),
        _ => throw new ClusterBackupException(ErrorKind.InvalidData, set.BackupSetId.ToString(),
            $"Backup set {set.BackupSetId} of '{set.Database}' has {set.Files.Count} files; SQL Server backups here are written to one file."),
    };
}
