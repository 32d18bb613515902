using ClusterBackup.Engine.Catalog;
using ClusterBackup.Engine.Common;
using ClusterBackup.Engine.Configuration;
using ClusterBackup.Engine.Databases;

namespace ClusterBackup.Engine.Backup;

/// <summary>A restore of one database's backups into a new location.</summary>
/// <param name="Server">The virtual server the backups were taken from.</param>
/// <param name="Database">The database to restore.</param>
/// <param name="TargetLocation">A new (absent or empty) data directory for PostgreSQL; a file folder for SQL Server.</param>
/// <param name="PointInTime">Stop here; null restores everything the chain holds.</param>
/// <param name="TargetDatabase">SQL Server: the new database name. PostgreSQL restores the whole server and ignores it.</param>
/// <param name="BackupPath">Read the backup files from this folder instead of the share (files restored from tape, a copy of
/// the share): each file of the chain is found by its name anywhere under the folder and must have the size and SHA-256
/// the catalog recorded. Null reads them where the catalog says, on the share.</param>
public sealed record RestoreDatabaseRequest(string Server, string Database, string TargetLocation, DateTimeOffset? PointInTime = null, string? TargetDatabase = null,
    string? BackupPath = null);

/// <summary>What a restore used and where it went.</summary>
public sealed record RestoreDatabaseResult(
    string VirtualServer, string Database, string TargetLocation, DateTimeOffset? PointInTime,
    Guid FullBackupSetId, int LogBackupCount, DateTimeOffset Started, DateTimeOffset Finished)
{
    /// <summary>The differential restored over the full backup, before the logs; null when the chain has none.</summary>
    public Guid? DifferentialBackupSetId { get; init; }

    public TimeSpan Duration => Finished - Started;
}

/// <summary>
/// Restore-ClusterDbBackup and `clusterbackup restore`: picks the latest full backup that finished before the
/// point in time, the latest differential based on it that also did, and the log backups after them up to the first
/// that reaches that time, checks every file's
/// SHA-256 against the catalog, and has the engine restore the chain into a new location.
/// </summary>
public sealed class RestoreDatabaseOperation(CatalogDatabase catalogDatabase, ClusterBackupConfiguration? configuration, ProviderRegistry providers)
{
    private readonly BackupSetCatalog _catalog = new(catalogDatabase);

    public async Task<RestoreDatabaseResult> RunAsync(RestoreDatabaseRequest request, IOperationReporter reporter, CancellationToken cancellationToken)
    {
        if (ExternalProcess.ParentDeathNote is { } childNote)
            reporter.Verbose(childNote);
        var started = DateTimeOffset.UtcNow;
        var chain = SelectChain(request);
        if (request.BackupPath is { } folder)
            chain = Relocate(chain, folder, reporter);
        foreach (var set in chain)
        {
            var problems = await FileHasher.CheckAsync(set, reporter, cancellationToken).ConfigureAwait(false);
            if (problems.Count > 0)
                throw new ClusterBackupException(ErrorKind.InvalidData, set.BackupSetId.ToString(),
                    $"Backup set {set.BackupSetId} ({set.Type}) of '{set.Database}' does not match the catalog: {string.Join("; ", problems)}");
        }
        var engine = EngineLookup.For(chain[0], configuration, providers);
        var differential = chain.FirstOrDefault(s => s.Type == BackupType.Differential);
        var logCount = chain.Count(s => s.Type == BackupType.Log);
        reporter.Verbose($"Restoring '{request.Database}' from full backup {chain[0].BackupSetId}{(differential is null ? "" : $", differential {differential.BackupSetId}")} " +
            $"and {logCount} log backup(s) into '{request.TargetLocation}'.");
        await engine.RestoreAsync(new RestoreRequest(chain, request.TargetLocation, request.PointInTime, request.TargetDatabase), reporter, cancellationToken).ConfigureAwait(false);
        return new RestoreDatabaseResult(chain[0].VirtualServer, request.Database, Path.GetFullPath(request.TargetLocation), request.PointInTime,
            chain[0].BackupSetId, logCount, started, DateTimeOffset.UtcNow) { DifferentialBackupSetId = differential?.BackupSetId };
    }

    /// <summary>
    /// The chain with every file path moved into <paramref name="folder"/>: each file is the one of the same name and size
    /// under the folder (Restore-TapeObject writes them under their tape names). A missing or ambiguous file is an error
    /// naming it; the SHA-256 check that follows proves the content.
    /// </summary>
    internal static IReadOnlyList<BackupSet> Relocate(IReadOnlyList<BackupSet> chain, string folder, IOperationReporter reporter)
    {
        var root = Path.GetFullPath(folder);
        if (!Directory.Exists(root))
            throw new ClusterBackupException(ErrorKind.ObjectNotFound, root, $"The backup folder '{root}' does not exist.");
        var byName = Directory.EnumerateFiles(root, "*", SearchOption.AllDirectories)
            .GroupBy(f => Path.GetFileName(f), StringComparer.Ordinal)
            .ToDictionary(g => g.Key, g => g.ToList(), StringComparer.Ordinal);
        var moved = new List<BackupSet>();
        foreach (var set in chain)
        {
            var files = new List<BackupFile>();
            foreach (var file in set.Files)
            {
                var name = Path.GetFileName(file.Path);
                var candidates = byName.TryGetValue(name, out var list) ? list.Where(f => new FileInfo(f).Length == file.SizeBytes).ToList() : [];
                if (candidates.Count == 0)
                    throw new ClusterBackupException(ErrorKind.ObjectNotFound, file.Path,
                        $"Backup set {set.BackupSetId} ({set.Type}) of '{set.Database}' needs '{name}' ({file.SizeBytes} bytes), which is not under '{root}'.");
                if (candidates.Count > 1)
                    throw new ClusterBackupException(ErrorKind.InvalidArgument, file.Path,
                        $"'{root}' holds {candidates.Count} files named '{name}' of {file.SizeBytes} bytes ({string.Join(", ", candidates)}); restore the backup sets into separate folders.");
                files.Add(file with { Path = candidates[0] });
            }
            moved.Add(set with { Files = files });
        }
        reporter.Verbose($"Reading {moved.Sum(s => s.Files.Count)} backup file(s) from '{root}' instead of the share.");
        return moved;
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
        // Full, then the latest differential based on it that the point in time does not precede, then the logs after that.
        var differential = BackupChain.LatestDifferential(sets, full, target);
        var restored = differential ?? full;
        var logs = BackupChain.LogsAfter(sets, restored).ToList();
        if (target is { } t)
        {
            var reaching = logs.FindIndex(l => l.Finished >= t);
            if (reaching < 0)
                throw new ClusterBackupException(ErrorKind.ObjectNotFound, request.Database,
                    $"No log backup of '{request.Database}' on '{request.Server}' reaches {t:u}; the latest ends at {(logs.Count > 0 ? logs[^1].Finished : restored.Finished):u}.") { Cause = "PointInTimeNotCovered" };
            logs = logs.Take(reaching + 1).ToList();
        }
        if (differential is not null)
            return [full, differential, .. logs];
        return [full, .. logs];
    }
}
