using ClusterBackup.Engine.Catalog;
using ClusterBackup.Engine.Common;
using ClusterBackup.Engine.Configuration;
using ClusterBackup.Engine.Databases;

namespace ClusterBackup.Engine.Backup;

/// <summary>
/// Start-ClusterDbBackup and `clusterbackup backup`: resolves the cluster, the node that owns the virtual
/// server and the engine's active server; writes each database's backup into its media set on the share
/// (<see cref="ShareLayout"/>), records the SHA-256 of every file and the whole set in one catalog transaction,
/// and verifies it when asked. Everything that can be checked is checked before anything is written (server,
/// cluster, database, share, free space, a full backup before a log or differential backup, an engine that takes the
/// backup type), so bad input leaves no file that looks complete and no change in the catalog.
/// </summary>
public sealed class BackupDatabaseOperation(ClusterBackupConfiguration configuration, CatalogDatabase catalogDatabase, ProviderRegistry providers)
{
    private readonly BackupSetCatalog _catalog = new(catalogDatabase);

    /// <summary>
    /// Backs up each database of the request on the server resolved once for the whole request. Bad parameters, an
    /// unusable share or no active server end the request with an error; a database that cannot be backed up gets
    /// an outcome with its error, and the others go on.
    /// </summary>
    public async Task<IReadOnlyList<DatabaseBackupOutcome>> RunAsync(BackupDatabaseRequest request, IOperationReporter reporter, CancellationToken cancellationToken)
    {
        if (ExternalProcess.ParentDeathNote is { } childNote)
            reporter.Verbose(childNote);
        if (request.Databases.Any(string.IsNullOrWhiteSpace))
            throw new ClusterBackupException(ErrorKind.InvalidArgument, request.Server ?? request.Cluster ?? "", "A database name is empty.");
        var server = SelectServer(request);
        var share = CheckShare(request.Share);
        var exclude = request.ExcludeDatabases ?? [];
        var named = request.Databases.Distinct(StringComparer.Ordinal).Where(d => !exclude.Contains(d, StringComparer.OrdinalIgnoreCase)).ToList();
        if (request.Databases.Count > 0 && named.Count == 0)
            throw new ClusterBackupException(ErrorKind.InvalidArgument, string.Join(", ", request.Databases), "Every database named is also excluded; nothing to back up.");
        if (request.Type == BackupType.Differential && request.CopyOnly)
            throw new ClusterBackupException(ErrorKind.InvalidArgument, named.Count > 0 ? string.Join(", ", named) : server.Name,
                "A differential backup cannot be copy-only: SQL Server ignores COPY_ONLY with DIFFERENTIAL, so the backup would not be what -CopyOnly asks for.") { Cause = "CopyOnlyDifferential" };
        var resolution = await ServerResolver.ResolveAsync(configuration, providers, server, named, reporter, cancellationToken, exclude).ConfigureAwait(false);
        var databases = resolution.Databases;
        if (databases.Count == 0)
            throw new ClusterBackupException(ErrorKind.ObjectNotFound, server.Name,
                $"Server '{server.Name}' has no user database to back up{(exclude.Count > 0 ? $" that is not excluded ({string.Join(", ", exclude)})" : "")}.") { Cause = "DatabaseNotFound" };

        // Check every database before writing anything.
        var outcomes = new List<DatabaseBackupOutcome>();
        var plans = new List<(string Database, BackupSet? Previous)>();
        foreach (var database in databases)
        {
            if (resolution.DatabaseErrors.TryGetValue(database, out var notThere))
            {
                outcomes.Add(new DatabaseBackupOutcome(database, null, notThere));
                continue;
            }
            if (resolution.Server?.Engine.WhyNotSupported(request.Type, database) is { } unsupported)
            {
                outcomes.Add(new DatabaseBackupOutcome(database, null, new ClusterBackupException(ErrorKind.InvalidOperation, database,
                    $"Cannot take a {request.Type} backup of '{database}' on '{server.Name}': {unsupported}") { Cause = $"{request.Type}BackupNotSupported" }));
                continue;
            }
            var chain = BackupChain.ChainSets(_catalog, server.Name, database);
            var previous = BackupChain.PreviousFor(chain, request.Type, request.Initialize);
            if (request.Type is BackupType.Log or BackupType.Differential && previous is null)
            {
                outcomes.Add(new DatabaseBackupOutcome(database, null, new ClusterBackupException(ErrorKind.InvalidOperation, database,
                    $"Cannot take a {(request.Type == BackupType.Log ? "log" : "differential")} backup of '{database}' on '{server.Name}': the catalog holds no full backup of it" +
                    $"{(request.Type == BackupType.Differential ? " to base the differential on" : "")}. Take a full backup first.") { Cause = $"{request.Type}BackupWithoutFull" }));
                continue;
            }
            plans.Add((database, previous));
        }

        // The share proves its identity (or, empty and unknown, gets one) before the first byte is written to it.
        if (plans.Count > 0)
            ShareIdentity.ForBackup(share, new ShareCatalog(catalogDatabase), _catalog.GetMediaSets(), reporter);
        foreach (var (database, previous) in plans)
        {
            cancellationToken.ThrowIfCancellationRequested();
            try
            {
                outcomes.Add(await BackupOneAsync(request, share, resolution.Server!, database, previous, reporter, cancellationToken).ConfigureAwait(false));
            }
            catch (ClusterBackupException ex) when (ex.Kind != ErrorKind.OperationStopped)
            {
                outcomes.Add(new DatabaseBackupOutcome(database, null, ex));
            }
        }
        return databases.Select(d => outcomes.Single(o => o.Database == d)).ToList();
    }

    private ServerDefinition SelectServer(BackupDatabaseRequest request)
    {
        ServerDefinition server;
        if (request.Server is not null)
        {
            server = configuration.GetServer(request.Server);
            if (request.Cluster is not null && !string.Equals(configuration.GetCluster(request.Cluster).Name, server.Cluster, StringComparison.OrdinalIgnoreCase))
                throw new ClusterBackupException(ErrorKind.InvalidArgument, request.Server,
                    $"Server '{request.Server}' is configured in cluster '{server.Cluster}', not in '{request.Cluster}'.");
        }
        else if (request.Cluster is not null)
        {
            var servers = configuration.ServersIn(request.Cluster);
            server = servers.Count switch
            {
                1 => servers[0],
                0 => throw new ClusterBackupException(ErrorKind.ObjectNotFound, request.Cluster, $"Cluster '{request.Cluster}' has no servers in the configuration '{configuration.Path}'.") { Cause = "ClusterHasNoServer" },
                _ => throw new ClusterBackupException(ErrorKind.InvalidArgument, request.Cluster,
                    $"Cluster '{request.Cluster}' has several servers ({string.Join(", ", servers.Select(s => s.Name))}); name one with -Server (--server)."),
            };
        }
        else
        {
            throw new ClusterBackupException(ErrorKind.InvalidArgument, "", "Name the virtual server (-Server, --server) or the cluster (-Cluster, --cluster) to back up.");
        }
        return request.Credential is null ? server : server with { Credential = request.Credential };
    }

    /// <summary>The share must exist and take a file: a probe is written and removed.</summary>
    internal static string CheckShare(string share)
    {
        if (string.IsNullOrWhiteSpace(share))
            throw new ClusterBackupException(ErrorKind.InvalidArgument, "", "Name the backup share (-Destination, --share).");
        var full = Path.GetFullPath(share);
        if (!Directory.Exists(full))
            throw new ClusterBackupException(ErrorKind.ResourceUnavailable, full, $"The backup share '{full}' is not reachable: the folder does not exist or is not mounted.") { Cause = "ShareUnreachable" };
        var probe = Path.Combine(full, $".clusterbackup-probe-{Guid.NewGuid():N}");
        try
        {
            File.WriteAllText(probe, "");
            File.Delete(probe);
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
        {
            throw new ClusterBackupException(ErrorKind.ResourceUnavailable, full, $"The backup share '{full}' is not writable: {ex.Message}", ex) { Cause = "ShareNotWritable" };
        }
        return full;
    }

    private async Task<DatabaseBackupOutcome> BackupOneAsync(BackupDatabaseRequest request, string share, ResolvedServer resolved, string database, BackupSet? previous,
        IOperationReporter reporter, CancellationToken cancellationToken)
    {
        var virtualServer = resolved.Definition.Name;
        var now = DateTimeOffset.UtcNow;
        var backupSetId = Guid.NewGuid();
        // From choosing the media set to the catalog commit, no other backup of this database and type (another process on this
        // catalog) chooses or starts one; the lock is locks/media-set-<server>-<database>-<FULL|DIFF|LOG>.lock beside the catalog: an -Initialize cannot supersede the set this backup is writing into.
        using var mediaSetLock = WriterLock.Acquire(catalogDatabase.LockPath($"media-set-{ShareLayout.SafeName(virtualServer)}-{ShareLayout.SafeName(database)}-{ShareLayout.TypeFolder(request.Type)}"),
            $"the {request.Type} media set of '{database}' on '{virtualServer}'", $"{request.Type} backup{(request.Initialize ? " with -Initialize" : "")}",
            cancellationToken: cancellationToken);
        // Read again under the lock: another backup of this database and type may have been recorded since the plan was
        // made, and a log backup must start where the latest one ended, never where the plan saw the chain end.
        previous = BackupChain.PreviousFor(BackupChain.ChainSets(_catalog, virtualServer, database), request.Type, request.Initialize) ?? previous;
        var active = _catalog.GetActiveMediaSet(virtualServer, database, request.Type);
        var newMediaSet = request.Initialize || active is null;
        var mediaSetId = newMediaSet ? ShareLayout.NewMediaSetId(now) : active!.MediaSetId;
        var directory = newMediaSet ? Path.Combine(ShareLayout.DatabaseFolder(share, virtualServer, database, request.Type), mediaSetId) : active!.SharePath;
        if (!newMediaSet && !Path.GetFullPath(directory).StartsWith(share, StringComparison.Ordinal))
            reporter.Warning($"The active {request.Type} media set of '{database}' on '{virtualServer}' is at '{directory}', outside '{share}'; the backup is appended there. Use -Initialize to start a media set on '{share}'.");
        PausePoint.Reach("backup.media-set-chosen", cancellationToken);
        if (!newMediaSet)
            ShareIdentity.RequireForRead([directory], new ShareCatalog(catalogDatabase), $"the active {request.Type} media set '{mediaSetId}' of '{database}'");
        var createdDirectory = !Directory.Exists(directory);
        try
        {
            Directory.CreateDirectory(directory);
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
        {
            throw new ClusterBackupException(ErrorKind.ResourceUnavailable, directory, $"Cannot create the media set folder '{directory}' on the backup share: {ex.Message}", ex);
        }

        if (!newMediaSet)
            ReportUncatalogued(directory, mediaSetId, reporter);
        else
            ReportUncataloguedMediaSets(ShareLayout.DatabaseFolder(share, virtualServer, database, request.Type), directory, virtualServer, database, reporter);

        var engineRequest = new EngineBackupRequest(resolved.Active, database, request.Type, directory,
            ShareLayout.FileStem(virtualServer, database, request.Type, now, backupSetId), newMediaSet, request.CopyOnly, request.Checksum, previous);
        EngineBackupResult? result = null;
        try
        {
            await CheckFreeSpaceAsync(resolved.Engine, engineRequest, share, cancellationToken).ConfigureAwait(false);
            reporter.Verbose($"{request.Type} backup of '{database}' on '{virtualServer}' (node {resolved.Active.Node}) into '{directory}' ({(newMediaSet ? "new media set" : "appending")}).");
            CrashPoint.Reach("backup.before-write");
            try
            {
                result = await resolved.Engine.BackupAsync(engineRequest, reporter, cancellationToken).ConfigureAwait(false);
            }
            catch (IOException ex) when (StorageErrors.IsDiskFull(ex))
            {
                throw new ClusterBackupException(ErrorKind.ResourceUnavailable, share, $"The backup share '{share}' ran out of space writing the backup of '{database}': {ex.Message}", ex);
            }

            var files = new List<BackupFile>();
            foreach (var path in result.Files)
            {
                reporter.Progress($"SHA-256 of the {database} backup", Path.GetFileName(path), 100 * files.Count / Math.Max(1, result.Files.Count));
                files.Add(await FileHasher.HashAsync(path, cancellationToken).ConfigureAwait(false));
            }
            reporter.Completed($"SHA-256 of the {database} backup");

            var set = new BackupSet
            {
                BackupSetId = backupSetId, Cluster = resolved.Cluster.Name, VirtualServer = virtualServer, Node = resolved.Active.Node,
                Database = database, Engine = resolved.Engine.Name, Type = request.Type, Initialize = newMediaSet, CopyOnly = request.CopyOnly,
                MediaSetId = mediaSetId, Started = result.Started, Finished = result.Finished, SizeBytes = files.Sum(f => f.SizeBytes),
                Files = files, FirstLsn = result.FirstLsn, LastLsn = result.LastLsn, Timeline = result.Timeline, Status = BackupSetStatus.Completed,
                CheckpointLsn = result.CheckpointLsn, DifferentialBaseLsn = result.DifferentialBaseLsn,
            };
            // Durable before the commit that names them: a power cut after it never leaves a catalogued set without its bytes.
            AtomicFile.FlushToDisk(result.Files);
            CrashPoint.Reach("backup.before-commit");
            // Fenced: a writer whose media-set lock was taken over is refused here, and its files are removed below.
            var recorded = _catalog.RecordCompleted(set, new MediaSet(mediaSetId, virtualServer, database, request.Type, directory, now, MediaSetStatus.Active), mediaSetLock);
            reporter.Verbose($"Recorded backup set {recorded.BackupSetId} at position {recorded.Position} of media set {recorded.MediaSetId}.");
            CrashPoint.Reach("backup.after-commit");
            // Recorded: the next backup of this database may choose its media set while this one is verified.
            mediaSetLock.Dispose();
            if (!request.Verify)
                return new DatabaseBackupOutcome(database, recorded, null);
            var verification = await new VerifyBackupSetOperation(catalogDatabase, configuration, providers).VerifySetAsync(recorded, resolved.Engine, reporter, cancellationToken).ConfigureAwait(false);
            var verified = _catalog.GetBackupSets(new BackupSetQuery(BackupSetId: recorded.BackupSetId)).Single();
            return new DatabaseBackupOutcome(database, verified, verification.Verified ? null : VerifyBackupSetOperation.VerificationFailed(verification));
        }
        catch (Exception) when (result is not null && !IsRecorded(backupSetId))
        {
            // Written but not catalogued: remove it so nothing uncatalogued looks like a finished backup.
            foreach (var file in result.Files)
                TryDelete.File(file);
            foreach (var folder in result.Files.Select(Path.GetDirectoryName).Distinct())
                if (!string.Equals(folder, directory, StringComparison.Ordinal))
                    TryDelete.DirectoryIfEmpty(folder!);
            if (createdDirectory)
                TryDelete.DirectoryIfEmpty(directory);
            throw;
        }
        catch (Exception) when (createdDirectory)
        {
            TryDelete.DirectoryIfEmpty(directory);
            throw;
        }
    }

    /// <summary>
    /// Warns about each file or folder in a media set's folder that no catalogued backup set of it names: what a backup killed
    /// between its rename and its catalog commit leaves, complete-looking but never restored from. Nothing is moved or removed
    /// (another run may be writing there); the warning names each entry so the administrator can remove it.
    /// </summary>
    private void ReportUncatalogued(string directory, string mediaSetId, IOperationReporter reporter)
    {
        var root = Path.GetFullPath(directory).TrimEnd(Path.DirectorySeparatorChar);
        var named = new HashSet<string>(StringComparer.Ordinal);
        foreach (var set in _catalog.GetBackupSets(new BackupSetQuery(MediaSetId: mediaSetId)))
            foreach (var file in set.Files)
            {
                var full = Path.GetFullPath(file.Path);
                if (!full.StartsWith(root + Path.DirectorySeparatorChar, StringComparison.Ordinal))
                    continue;
                var relative = full[(root.Length + 1)..];
                var separator = relative.IndexOf(Path.DirectorySeparatorChar);
                named.Add(separator < 0 ? relative : relative[..separator]);
            }
        foreach (var entry in Directory.EnumerateFileSystemEntries(root).Order(StringComparer.Ordinal))
        {
            var name = Path.GetFileName(entry);
            if (named.Contains(name) || name.StartsWith(".clusterbackup", StringComparison.Ordinal))
                continue;
            reporter.Warning($"'{entry}' in media set {mediaSetId} is not in the catalog (a backup interrupted before its catalog commit, or a file put there by hand): it is never restored from; remove it once you have checked it.");
        }
    }

    /// <summary>Warns about each media-set folder of the database on the share that the catalog does not know (a first backup of a
    /// new media set killed before its commit leaves one).</summary>
    private void ReportUncataloguedMediaSets(string databaseFolder, string starting, string virtualServer, string database, IOperationReporter reporter)
    {
        if (!Directory.Exists(databaseFolder))
            return;
        var known = _catalog.GetMediaSets(virtualServer, database).Select(m => Path.GetFullPath(m.SharePath).TrimEnd(Path.DirectorySeparatorChar)).ToHashSet(StringComparer.Ordinal);
        known.Add(Path.GetFullPath(starting).TrimEnd(Path.DirectorySeparatorChar));
        foreach (var folder in Directory.EnumerateDirectories(databaseFolder).Order(StringComparer.Ordinal))
            if (!known.Contains(Path.GetFullPath(folder)) && !Path.GetFileName(folder).StartsWith('.'))
                reporter.Warning($"'{folder}' is not in the catalog as a media set (a backup interrupted before its catalog commit, or a folder put there by hand): it is never restored from; remove it once you have checked it.");
    }

    private bool IsRecorded(Guid backupSetId) => _catalog.GetBackupSets(new BackupSetQuery(BackupSetId: backupSetId)).Count > 0;

    private static async Task CheckFreeSpaceAsync(IDatabaseEngine engine, EngineBackupRequest request, string share, CancellationToken cancellationToken)
    {
        if (engine is not IBackupSizeEstimator estimator)
            return;
        var needed = await estimator.EstimateBackupSizeAsync(request, cancellationToken).ConfigureAwait(false);
        var free = FreeBytes(request.Directory);
        if (needed is { } n && free is { } f && n > f)
            throw new ClusterBackupException(ErrorKind.ResourceUnavailable, share,
                $"The backup share '{share}' has {f:N0} bytes free; the {request.Type} backup of '{request.Database}' on '{request.Server.VirtualServer}' needs about {n:N0}.");
    }

    internal static long? FreeBytes(string directory)
    {
        try
        {
            return new DriveInfo(directory).AvailableFreeSpace;
        }
        catch (Exception ex) when (ex is IOException or ArgumentException or UnauthorizedAccessException)
        {
            return null;
        }
    }

}
