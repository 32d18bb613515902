using ClusterBackup.Engine.Catalog;
using ClusterBackup.Engine.Common;

namespace ClusterBackup.Engine.Databases.SqlServer;

/// <summary>One backup to restore: the file, and the STOPAT time (server local time) when this is the last log.</summary>
public sealed record SqlServerRestoreStep(BackupSet BackupSet, string File, DateTime? StopAt);

/// <summary>
/// Which backups of a chain a point-in-time restore applies: the full backup, then the logs in order up to and
/// including the first log that ends at or after the point, the last with STOPAT. Refuses a point before the full
/// backup ended or after the chain's last log, so a restore never silently stops short. Pure, tested without a server.
/// </summary>
public static class SqlServerRestorePlan
{
    /// <param name="chain">A full backup and the log backups after it, in order.</param>
    /// <param name="pointInTime">Stop here; null applies every log of the chain.</param>
    /// <param name="serverOffset">The restoring server's offset from UTC: STOPAT is read in its local time.</param>
    public static IReadOnlyList<SqlServerRestoreStep> Build(IReadOnlyList<BackupSet> chain, DateTimeOffset? pointInTime, TimeSpan serverOffset)
    {
        if (chain.Count == 0 || chain[0].Type != BackupType.Full)
            throw new ClusterBackupException(ErrorKind.InvalidArgument, chain.FirstOrDefault()?.Database ?? "",
                "A restore chain starts with a full backup.");
        var full = chain[0];
        if (chain.Skip(1).FirstOrDefault(b => b.Type != BackupType.Log) is { } other)
            throw new ClusterBackupException(ErrorKind.InvalidArgument, full.Database,
                $"The restore chain of '{full.Database}' holds a second {other.Type} backup ({other.BackupSetId}) after its full backup; pass one full backup and its logs.");
        var steps = new List<SqlServerRestoreStep> { new(full, FileOf(full), null) };
        if (pointInTime is null)
        {
            steps.AddRange(chain.Skip(1).Select(log => new SqlServerRestoreStep(log, FileOf(log), null)));
            return steps;
        }
        var point = pointInTime.Value;
        if (full.Finished is { } fullEnd && point < fullEnd)
            throw new ClusterBackupException(ErrorKind.InvalidArgument, full.Database,
                $"{point:u} is before the full backup of '{full.Database}' ended ({fullEnd:u}); choose a later point or an older chain.");
        var stopAt = point.ToOffset(serverOffset).DateTime;
        foreach (var log in chain.Skip(1))
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
