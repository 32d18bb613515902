using ClusterBackup.Engine.Catalog;
using ClusterBackup.Engine.Common;

namespace ClusterBackup.Engine.Backup;

/// <summary>Which backups of each database a listing keeps, as dbatools' Get-DbaDbBackupHistory -Last, -LastFull, -LastDiff and -LastLog.</summary>
public enum LatestBackups
{
    /// <summary>Every backup that matches.</summary>
    All,
    /// <summary>
    /// The latest full backup of each database, the latest differential based on it and the log backups after that differential
    /// (after the full when there is none): what a restore of its latest state uses.
    /// </summary>
    Chain,
    /// <summary>The latest full backup of each database.</summary>
    Full,
    /// <summary>The latest log backup of each database.</summary>
    Log,
    /// <summary>The latest differential backup of each database.</summary>
    Differential,
}

/// <summary>The backup sets to list: filters, and which of each database's backups to keep.</summary>
/// <param name="Server">Only backups of this virtual server.</param>
/// <param name="Database">Only backups of this database.</param>
/// <param name="Type">Only Full, only Differential or only Log backups; not with <paramref name="Latest"/>.</param>
/// <param name="Since">Only backups started at or after this instant.</param>
/// <param name="Latest">Which of each database's backups to keep.</param>
public sealed record ListBackupSetRequest(string? Server = null, string? Database = null, BackupType? Type = null, DateTimeOffset? Since = null,
    LatestBackups Latest = LatestBackups.All);

/// <summary>
/// Get-ClusterDbBackupSet and `clusterbackup catalog list`: the catalogued backup sets, oldest first, filtered, or only
/// the latest of each database (<see cref="LatestBackups"/>). The latest are completed backups only, and a chain leaves
/// out copy-only backups, because a restore does not use them.
/// </summary>
public sealed class ListBackupSetOperation(CatalogDatabase catalogDatabase)
{
    private readonly BackupSetCatalog _catalog = new(catalogDatabase);

    public Task<IReadOnlyList<BackupSet>> RunAsync(ListBackupSetRequest request, IOperationReporter reporter, CancellationToken cancellationToken)
    {
        cancellationToken.ThrowIfCancellationRequested();
        if (request.Latest != LatestBackups.All && request.Type is not null)
            throw new ClusterBackupException(ErrorKind.InvalidArgument, request.Type.ToString()!,
                $"Choose either a backup type or which latest backups to list ({request.Latest}), not both.");
        var sets = _catalog.GetBackupSets(new BackupSetQuery(request.Server, request.Database, request.Type, Since: request.Since));
        if (request.Latest == LatestBackups.All)
            return Task.FromResult(sets);
        var latest = new List<BackupSet>();
        foreach (var database in sets.Where(s => s.Status == BackupSetStatus.Completed).GroupBy(s => (s.VirtualServer.ToUpperInvariant(), s.Database)))
        {
            var ordered = database.OrderBy(s => s.Started).ToList();
            var full = ordered.LastOrDefault(s => s.Type == BackupType.Full && !s.CopyOnly) ?? ordered.LastOrDefault(s => s.Type == BackupType.Full);
            switch (request.Latest)
            {
                case LatestBackups.Full when full is not null:
                    latest.Add(full);
                    break;
                case LatestBackups.Log when ordered.LastOrDefault(s => s.Type == BackupType.Log) is { } log:
                    latest.Add(log);
                    break;
                case LatestBackups.Differential when ordered.LastOrDefault(s => s.Type == BackupType.Differential) is { } differential:
                    latest.Add(differential);
                    break;
                case LatestBackups.Chain when full is not null:
                    latest.AddRange(BackupChain.RestoreSequence(ordered, full));
                    break;
            }
        }
        reporter.Verbose($"{latest.Count} of {sets.Count} backup sets are the latest ({request.Latest}).");
        return Task.FromResult<IReadOnlyList<BackupSet>>(latest.OrderBy(s => s.Started).ToList());
    }
}
