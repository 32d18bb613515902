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
public sealed record BackupToTapeResult(Guid SessionId, string Job, int Objects, long Bytes, int SkippedAlreadyOnTape, TimeSpan Duration,
    IReadOnlyList<string> Volumes, int Copies, int VerifiedCopies)
{
    public double MegabytesPerSecond => Duration.TotalSeconds > 0 ? Bytes / 1e6 / Duration.TotalSeconds : 0;
}

/// <summary>
/// Backup-TapeBackupSet and `clusterbackup tape backup`: backs up the share to tape by backup set: every file of the chosen completed backup sets that the
/// catalog does not yet hold on tape (same path and SHA-256) becomes a tape object, routed through the
/// media-agent configuration's chains and written in one session, multiplexed and mirrored in one pass.
/// Each file's SHA-256 is checked against the one recorded when the backup set was taken.
/// </summary>
public sealed class BackupToTapeOperation(CatalogDatabase catalog)
{
    public Task<BackupToTapeResult> RunAsync(BackupToTapeRequest request, IOperationReporter reporter, CancellationToken cancellationToken) =>
        Task.Run(() => Run(request, reporter, cancellationToken), cancellationToken);

    private BackupToTapeResult Run(BackupToTapeRequest request, IOperationReporter reporter, CancellationToken token)
    {
        var configuration = MediaAgentConfiguration.Load(request.ConfigurationPath);
        var context = TapeContext.Open(catalog, request.LibraryPath, configuration);
        configuration.EnsureValid(context.Library.GetDrives().Select(d => d.Name), request.ConfigurationPath);

        var sets = new BackupSetCatalog(context.Database).GetBackupSets(new BackupSetQuery(Status: BackupSetStatus.Completed))
            .Where(s => request.BackupSetIds is null || request.BackupSetIds.Contains(s.BackupSetId)).ToList();
        if (request.BackupSetIds is not null)
            foreach (var missing in request.BackupSetIds.Where(id => sets.All(s => s.BackupSetId != id)))
                throw new ClusterBackupException(ErrorKind.ObjectNotFound, missing.ToString(), $"Backup set {missing} is not a completed backup set in the catalog.") { Cause = "BackupSetNotFound" };

        var onTape = context.Catalog.GetObjects().Where(o => o.SourcePath is not null && o.Copies.Count > 0)
            .Select(o => (o.SourcePath!, o.Sha256.ToLowerInvariant())).ToHashSet();
        var agents = context.BuildAgents(configuration, new VolumeAllocator(context.Library, context.Catalog, reporter));
        var objects = new List<ChainedObject>();
        var skipped = 0;
        var todo = new List<(BackupSet Set, BackupFile File, string Name)>();
        foreach (var set in sets)
            foreach (var file in set.Files)
            {
                if (onTape.Contains((file.Path, file.Sha256.ToLowerInvariant())))
                    skipped++;
                else
                    todo.Add((set, file, $"{set.VirtualServer}/{set.Database}/{Path.GetFileName(file.Path)}"));
            }
        var chains = configuration.AssignChains(todo.Select(t => t.Name).ToList());
        try
        {
            foreach (var ((set, file, name), index) in todo.Select((t, i) => (t, i)))
                {
                    var chain = chains[index]
                        ?? throw new ClusterBackupException(ErrorKind.InvalidArgument, name, $"No buffer of the media-agent configuration takes object {name}; add a backup-group buffer whose \"objects\" pattern matches it (\"*\" takes everything).");
                    if (!File.Exists(file.Path))
                        throw new ClusterBackupException(ErrorKind.ObjectNotFound, file.Path, $"File {file.Path} of backup set {set.BackupSetId} ({set.Database}) is not on the share.");
                    objects.Add(new ChainedObject(new FileObjectSource(file.Path, name, backupSetId: set.BackupSetId, expectedSha256: file.Sha256),
                        chain.Select(a => agents[a.Name]).ToList()));
                }
            if (objects.Count == 0)
            {
                reporter.Verbose($"Nothing to write: all {skipped} files of {sets.Count} backup sets are already on tape.");
                return new BackupToTapeResult(Guid.Empty, request.Job, 0, 0, skipped, TimeSpan.Zero, [], 0, 0);
            }
            reporter.Verbose($"Writing {objects.Count} files of {sets.Count} backup sets to tape with {objects.SelectMany(o => o.Chain).Distinct().Count()} agents.");
            var result = TapeWriteSession.Run(request.Job, objects, reporter, token, request.MaxConcurrentObjects);
            context.Record(result, reporter);
            if (result.Error is not null)
                throw result.Error;
            var record = result.ToSessionRecord();
            var verified = 0;
            if (request.Verify)
                verified = TestTapeObjectOperation.Verify(context, result.Objects.Select(o => o.ObjectId).ToList(), onlyUnverified: true, drive: null, reporter, token).Count(v => v.Verified);
            return new BackupToTapeResult(result.SessionId, request.Job, result.Objects.Count, result.Bytes, skipped, result.Finished - result.Started,
                record.Streams.SelectMany(s => s.Volumes.Select(v => v.Barcode)).Distinct().ToList(), record.Copies.Count, verified);
        }
        finally
        {
            foreach (var o in objects)
                o.Source.Dispose();
        }
    }
}
