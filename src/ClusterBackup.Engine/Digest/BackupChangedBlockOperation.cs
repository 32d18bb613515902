using ClusterBackup.Engine.Catalog;
using ClusterBackup.Engine.Common;
using ClusterBackup.Engine.Digest.Incremental;

namespace ClusterBackup.Engine.Digest;

/// <summary>What to back up, where, and how.</summary>
public sealed record BackupChangedBlockRequest
{
    /// <summary>The live file to protect.</summary>
    public required string SourcePath { get; init; }

    /// <summary>The folder that holds this file's generations (one chain per store folder).</summary>
    public required string StorePath { get; init; }

    /// <summary>Used for the first generation; later generations keep the chain's block size and algorithm.</summary>
    public BlockDigestOptions Options { get; init; } = new();

    /// <summary>Proceed without a reflink clone, reading the live file as it changes (the generation is marked InconsistentCopy).</summary>
    public bool AllowInconsistentCopy { get; init; }
}

/// <summary>
/// Backup-ChangedBlock and `clusterbackup blocks backup`: a changed-block incremental backup (a snapshot map and a backup map): take a point-in-time
/// reflink clone of the live file, digest it, compare with the previous generation's backup map, and store
/// only the changed blocks plus the new map; then record the generation in the catalog. Generation 1
/// stores every block. Files are written under temporary names and renamed; the catalog row is written
/// last, in one transaction, so a generation is either complete and recorded or absent.
/// </summary>
public sealed class BackupChangedBlockOperation(CatalogDatabase catalog)
{
    public Task<ChangedBlockGeneration> RunAsync(BackupChangedBlockRequest request, IOperationReporter reporter, CancellationToken cancellationToken) =>
        Task.Run(() => Run(request, reporter, cancellationToken), cancellationToken);

    private ChangedBlockGeneration Run(BackupChangedBlockRequest request, IOperationReporter reporter, CancellationToken token)
    {
        var source = Path.GetFullPath(request.SourcePath);
        var store = Path.GetFullPath(request.StorePath);
        Directory.CreateDirectory(store);
        using var storeLock = StoreLock.Acquire(store);
        var history = new ChangedBlockCatalog(catalog).GetGenerations(store);
        var previous = history.LastOrDefault();
        if (previous is not null && previous.SourcePath != source)
            throw new ClusterBackupException(ErrorKind.InvalidArgument, store,
                $"The store '{store}' holds the chain of '{previous.SourcePath}', not '{source}'; use one store folder per protected file.");
        var options = previous is null ? request.Options : request.Options with { BlockSize = previous.BlockSize, Algorithm = previous.Algorithm };
        options.Validate();
        if (previous is not null && (request.Options.BlockSize != previous.BlockSize || request.Options.Algorithm != previous.Algorithm))
            reporter.Verbose($"The chain in '{store}' uses {previous.BlockSize}-byte blocks and {previous.Algorithm}; keeping them.");

        ReflinkSnapshot? snapshot = null;
        var method = SnapshotMethod.Reflink;
        try
        {
            try
            {
                snapshot = ReflinkSnapshot.Create(source);
                reporter.Verbose($"Took a reflink snapshot of '{source}'.");
            }
            catch (ClusterBackupException ex) when (ex.Kind is ErrorKind.InvalidOperation or ErrorKind.NotImplemented && request.AllowInconsistentCopy)
            {
                method = SnapshotMethod.InconsistentCopy;
                reporter.Warning($"{ex.Message} Proceeding with the live file as allowed; this generation may not be consistent.");
            }

            using var image = BlockStorage.OpenRead(snapshot?.Path ?? source);
            var map = BlockDigestEngine.Compute(image, options, reporter, $"Digesting {source}", token);
            List<long> changed;
            if (previous is null)
            {
                changed = Enumerable.Range(0, checked((int)map.BlockCount)).Select(b => (long)b).ToList();
            }
            else
            {
                var previousMap = DigestFile.Read(previous.MapFile);
                changed = DigestComparer.DifferingBlocks(map, previousMap, previous.MapFile);
            }

            var generation = (previous?.Generation ?? 0) + 1;
            var dataFile = Path.Combine(store, $"gen-{generation:D6}{ChangedBlockFile.Extension}");
            var mapFile = Path.Combine(store, $"gen-{generation:D6}{DigestFile.Extension}");
            foreach (var stale in new[] { dataFile, mapFile }.Where(File.Exists))
            {
                // Left by a run that wrote its files but died before the catalog recorded them: not part of any generation.
                reporter.Verbose($"Replacing '{stale}', left by an earlier run that was not recorded.");
                File.Delete(stale);
            }
            reporter.Progress($"Backing up {source}", $"storing {changed.Count} changed blocks of {map.BlockCount}", -1);
            var (bytes, sha) = ChangedBlockFile.Write(dataFile, generation, image, options.BlockSize, changed, token);
            DigestFile.Write(mapFile, map, source);
            reporter.Completed($"Backing up {source}");

            var record = new ChangedBlockGeneration
            {
                ChainId = previous?.ChainId ?? Guid.NewGuid().ToString(),
                SourcePath = source,
                StorePath = store,
                Generation = generation,
                Taken = DateTimeOffset.UtcNow,
                SnapshotMethod = method,
                Algorithm = options.Algorithm,
                BlockSize = options.BlockSize,
                DeviceSize = map.DeviceSize,
                BlockCount = map.BlockCount,
                ChangedBlocks = changed.Count,
                StoredBytes = bytes,
                DataFile = dataFile,
                DataSha256 = sha,
                MapFile = mapFile,
            };
            new ChangedBlockCatalog(catalog).Record(record);
            return record;
        }
        finally
        {
            snapshot?.Dispose();
        }
    }
}
