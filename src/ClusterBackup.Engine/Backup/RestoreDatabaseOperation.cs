using ClusterBackup.Engine.Catalog;
using ClusterBackup.Engine.Common;
using ClusterBackup.Engine.Configuration;
using ClusterBackup.Engine.Databases;

namespace ClusterBackup.Engine.Backup;

/// <summary>A restore of one database's backups into a new location.</summary>
/// <param name="TargetLocation">A new (absent or empty) data directory for PostgreSQL; a file folder for SQL Server.</param>
/// <param name="PointInTime">Stop here; null restores everything the chain holds.</param>
/// <param name="TargetDatabase">SQL Server: the new database name. PostgreSQL restores the whole server and ignores it.</param>
public sealed record RestoreDatabaseRequest(string Server, string Database, string TargetLocation, DateTimeOffset? PointInTime = null, string? TargetDatabase = null);

/// <summary>What a restore used and where it went.</summary>
public sealed record RestoreDatabaseResult(
    string VirtualServer, string Database, string TargetLocation, DateTimeOffset? PointInTime,
    Guid FullBackupSetId, int LogBackupCount, DateTimeOffset Started, DateTimeOffset Finished)
{
    public TimeSpan Duration => Finished - Started;
}

/// <summary>
/// Restore-ClusterDbBackup and `clusterbackup restore`: picks the latest full backup that finished before the
/// point in time and the log backups after it up to the first that reaches that time, checks every file's
/// SHA-256 against the catalog, and has the engine restore the chain into a new location.
/// </summary>
public sealed class RestoreDatabaseOperation(CatalogDatabase catalogDatabase, ClusterBackupConfiguration? configuration = null)
{
    private readonly BackupSetCatalog _catalog = new(catalogDatabase);

    public async Task<RestoreDatabaseResult> RunAsync(RestoreDatabaseRequest request, IOperationReporter reporter, CancellationToken cancellationToken)
    {
        var started = DateTimeOffset.UtcNow;
        var chain = SelectChain(request);
        foreach (var set in chain)
        {
            var problems = await FileHasher.CheckAsync(set, reporter, cancellationToken).ConfigureAwait(false);
            if (problems.Count > 0)
                throw new ClusterBackupException(ErrorKind.InvalidData, set.BackupSetId.ToString(),
                    $"Backup set {set.BackupSetId} ({set.Type}) of '{set.Database}' does not match the catalog: {string.Join("; ", problems)}");
        }
        var engine = EngineLookup.For(chain[0], configuration);
        reporter.Verbose($"Restoring '{request.Database}' from full backup {chain[0].BackupSetId} and {chain.Count - 1} log backup(s) into '{request.TargetLocation}'.");
        await engine.RestoreAsync(new RestoreRequest(chain, request.TargetLocation, request.PointInTime, request.TargetDatabase), reporter, cancellationToken).ConfigureAwait(false);
        return new RestoreDatabaseResult(chain[0].VirtualServer, request.Database, Path.GetFullPath(request.TargetLocation), request.PointInTime,
            chain[0].BackupSetId, chain.Count - 1, started, DateTimeOffset.UtcNow);
    }

    internal IReadOnlyList<BackupSet> SelectChain(RestoreDatabaseRequest request)
    {
        var sets = BackupChain.ChainSets(_catalog, request.Server, request.Database);
        var target = request.PointInTime;
        var full = sets.LastOrDefault(s => s.Type == BackupType.Full && (target is null || s.Finished <= target))
                   ?? throw new ClusterBackupException(ErrorKind.ObjectNotFound, request.Database,
                       target is null
                           ? $"The catalog holds no full backup of '{request.Database}' on '{request.Server}'."
                           : $"The catalog holds no full backup of '{request.Database}' on '{request.Server}' that finished before {target:u}.") { Cause = "FullBackupNotFound" };
        var logs = sets.Where(s => s.Type == BackupType.Log && s.Started > full.Started).ToList();
        if (target is { } t)
        {
            var reaching = logs.FindIndex(l => l.Finished >= t);
            if (reaching < 0)
                throw new ClusterBackupException(ErrorKind.ObjectNotFound, request.Database,
                    $"No log backup of '{request.Database}' on '{request.Server}' reaches {t:u}; the latest ends at {(logs.Count > 0 ? logs[^1].Finished : full.Finished):u}.") { Cause = "PointInTimeNotCovered" };
            logs = logs.Take(reaching + 1).ToList();
        }
        return [full, .. logs];
    }
}
