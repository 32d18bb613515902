using ClusterBackup.Engine.Backup;
using ClusterBackup.Engine.Catalog;
using ClusterBackup.Engine.Common;
using ClusterBackup.Engine.Tape.Agents;
using ClusterBackup.Engine.Tape.Configuration;
using ClusterBackup.Engine.Tape.Library;

namespace ClusterBackup.Engine.Tape;

/// <summary>What to write to tape and how.</summary>
public sealed record BackupToTapeRequest
{
    /// <summary>The tape library folder; default the configuration's library or $CLUSTERBACKUP_TAPE_LIBRARY.</summary>
    public string? LibraryPath { get; init; }
    /// <summary>The media-agent configuration file (agents, drives, mirror chains).</summary>
    public required string ConfigurationPath { get; init; }
    /// <summary>Only these backup sets; null takes every completed backup set.</summary>
    public IReadOnlyCollection<Guid>? BackupSetIds { get; init; }
    /// <summary>Read every copy back after writing and mark it verified.</summary>
    public bool Verify { get; init; }
    public string Job { get; init; } = "share-to-tape";
    public int MaxConcurrentObjects { get; init; } = 8;
}

/// <summary>What a tape backup did.</summary>
/// <param name="SessionId">The tape session written; empty when there was nothing to write.</param>
/// <param name="Job">The job name recorded with the session.</param>
/// <param name="Objects">Objects written in this session (new ones, and ones given their missing mirror copies).</param>
/// <param name="Bytes">Bytes of those objects.</param>
/// <param name="SkippedAlreadyOnTape">Files already on tape with every copy their chain asks for, or whose missing mirror cannot be made.</param>
/// <param name="Duration">How long the session took.</param>
/// <param name="Volumes">The cartridges written.</param>
/// <param name="Copies">Copies written (one per object per agent).</param>
/// <param name="VerifiedCopies">Copies read back and verified (with Verify).</param>
/// <param name="MirrorCopiesWritten">Copies written for objects already on tape that lacked a mirror level of their chain.</param>
/// <param name="MirrorsMissing">Objects that still lack a mirror copy and cannot get one from the share (their file is gone); reported by every run until they have it.</param>
public sealed record BackupToTapeResult(Guid SessionId, string Job, int Objects, long Bytes, int SkippedAlreadyOnTape, TimeSpan Duration,
    IReadOnlyList<string> Volumes, int Copies, int VerifiedCopies, int MirrorCopiesWritten = 0, IReadOnlyList<string>? MirrorsMissing = null)
{
    public double MegabytesPerSecond => Duration.TotalSeconds > 0 ? Bytes / 1e6 / Duration.TotalSeconds : 0;
}

/// <summary>
/// Backup-TapeBackupSet and `clusterbackup tape backup`: backs up the share to tape by backup set: every file of the chosen completed backup sets that the
/// catalog does not yet hold on tape (same path and SHA-256) becomes a tape object named after its backup set
/// (<see cref="TapeObjectNames"/>), routed through the
/// media-agent configuration's chains and written in one session, multiplexed and mirrored in one pass.
/// Each file's SHA-256 is checked against the one recorded when the backup set was taken.
/// </summary>
public sealed class BackupToTapeOperation(CatalogDatabase catalog, ITapeLibraryFactory libraries)
{
    public Task<BackupToTapeResult> RunAsync(BackupToTapeRequest request, IOperationReporter reporter, CancellationToken cancellationToken) =>
        Task.Run(() => Run(request, reporter, cancellationToken), cancellationToken);

    private BackupToTapeResult Run(BackupToTapeRequest request, IOperationReporter reporter, CancellationToken token)
    {
        var configuration = MediaAgentConfiguration.Load(request.ConfigurationPath);
        var context = TapeContext.Open(catalog, libraries, request.LibraryPath, configuration);
        configuration.EnsureValid(context.Library.GetDrives().Select(d => d.Name), request.ConfigurationPath, context.Library.GetCartridges());
        // One writer per library for the whole session, across processes: what is on tape is read, and cartridges are picked and
        // written, by this session alone.
        using var writerLock = context.LockForWriting($"tape backup ({request.Job})", token);
        PausePoint.Reach("tape.locked", token);

        var sets = new BackupSetCatalog(context.Database).GetBackupSets(new BackupSetQuery(Status: BackupSetStatus.Completed))
            .Where(s => request.BackupSetIds is null || request.BackupSetIds.Contains(s.BackupSetId)).ToList();
        if (request.BackupSetIds is not null)
            foreach (var missing in request.BackupSetIds.Where(id => sets.All(s => s.BackupSetId != id)))
                throw new ClusterBackupException(ErrorKind.ObjectNotFound, missing.ToString(), $"Backup set {missing} is not a completed backup set in the catalog.") { Cause = "BackupSetNotFound" };

        // What is on tape already, by content (path and SHA-256); an object written before whose chain lacks a mirror level is completed.
        var onTape = context.Catalog.GetObjects().Where(o => o.SourcePath is not null && o.Copies.Count > 0)
            .GroupBy(o => (o.SourcePath!, o.Sha256.ToLowerInvariant())).ToDictionary(g => g.Key, g => g.ToList());
        var agents = context.BuildAgents(configuration, new VolumeAllocator(context.Library, context.Catalog, reporter, writerLock));
        var objects = new List<ChainedObject>();
        var skipped = 0;
        var todo = new List<(BackupSet Set, BackupFile File, string Name, TapeObject? Existing)>();
        foreach (var set in sets)
            foreach (var file in set.Files)
            {
                if (onTape.TryGetValue((file.Path, file.Sha256.ToLowerInvariant()), out var existing))
                    todo.Add((set, file, existing[0].Name, existing.OrderByDescending(o => o.Copies.Select(c => c.MirrorLevel).Distinct().Count()).First()));
                else
                    todo.Add((set, file, TapeObjectNames.For(set, file), null));
            }
        var shares = new ShareCatalog(context.Database);
        var chains = configuration.AssignChains(todo.Select(t => t.Name).ToList());
        var mirrorsCompleted = 0;
        var mirrorsMissing = new List<string>();
        try
        {
            foreach (var ((set, file, name, existing), index) in todo.Select((t, i) => (t, i)))
                {
                    var chain = chains[index]
                        ?? throw new ClusterBackupException(ErrorKind.InvalidArgument, name, $"No buffer of the media-agent configuration takes object {name}; add a backup-group buffer whose \"objects\" pattern matches it (\"*\" takes everything).");
                    var writeWith = chain.Select(a => agents[a.Name]).ToList();
                    if (existing is not null)
                    {
                        // Written before: only the mirror levels of its chain that it has no copy at are written now.
                        var levels = existing.Copies.Select(c => c.MirrorLevel).ToHashSet();
                        writeWith = writeWith.Where(a => !levels.Contains(a.MirrorLevel)).ToList();
                        if (writeWith.Count == 0)
                        {
                            skipped++;
                            continue;
                        }
                        var missing = string.Join(", ", writeWith.Select(a => $"level {a.MirrorLevel} (agent {a.Name})"));
                        ShareIdentity.RequireForRead([file.Path], shares, $"object {name}");
                        if (!File.Exists(file.Path))
                        {
                            mirrorsMissing.Add(name);
                            reporter.Warning($"Object {name} lacks its copy at mirror {missing}, and its file {file.Path} is no longer on the share; copy it from tape with Copy-TapeObject (`clusterbackup tape copy`).");
                            skipped++;
                            continue;
                        }
                        reporter.Warning($"Object {name} lacks its copy at mirror {missing} (an earlier session did not complete it); writing that copy now.");
                        mirrorsCompleted += writeWith.Count;
                        objects.Add(new ChainedObject(new FileObjectSource(file.Path, name, objectId: existing.ObjectId, backupSetId: set.BackupSetId, expectedSha256: file.Sha256), writeWith));
                        continue;
                    }
                    ShareIdentity.RequireForRead([file.Path], shares, $"object {name}");
                    if (!File.Exists(file.Path))
                        throw new ClusterBackupException(ErrorKind.ObjectNotFound, file.Path, $"File {file.Path} of backup set {set.BackupSetId} ({set.Database}) is not on the share.");
                    objects.Add(new ChainedObject(new FileObjectSource(file.Path, name, backupSetId: set.BackupSetId, expectedSha256: file.Sha256), writeWith));
                }
            if (objects.Count == 0)
            {
                reporter.Verbose($"Nothing to write: all {skipped} files of {sets.Count} backup sets are already on tape.");
                return new BackupToTapeResult(Guid.Empty, request.Job, 0, 0, skipped, TimeSpan.Zero, [], 0, 0, 0, mirrorsMissing);
            }
            reporter.Verbose($"Writing {objects.Count} files of {sets.Count} backup sets to tape with {objects.SelectMany(o => o.Chain).Distinct().Count()} agents.");
            var result = TapeWriteSession.Run(request.Job, objects, reporter, token, request.MaxConcurrentObjects);
            CrashPoint.Reach("tape.before-catalog-commit");
            context.Record(result, reporter);
            CrashPoint.Reach("tape.after-catalog-commit");
            if (result.Error is not null)
                throw result.Error;
            var record = result.ToSessionRecord();
            var verified = 0;
            if (request.Verify)
                verified = TestTapeObjectOperation.Verify(context, result.Objects.Select(o => o.ObjectId).ToList(), onlyUnverified: true, drive: null, reporter, token).Count(v => v.Verified);
            return new BackupToTapeResult(result.SessionId, request.Job, result.Objects.Count, result.Bytes, skipped, result.Finished - result.Started,
                record.Streams.SelectMany(s => s.Volumes.Select(v => v.Barcode)).Distinct().ToList(), record.Copies.Count, verified, mirrorsCompleted, mirrorsMissing);
        }
        finally
        {
            foreach (var o in objects)
                o.Source.Dispose();
        }
    }
}
