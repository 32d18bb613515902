using ClusterBackup.Engine.Catalog;
using ClusterBackup.Engine.Common;
using ClusterBackup.Engine.Digest.Incremental;

namespace ClusterBackup.Engine.Digest;

public sealed record RestoreChangedBlockRequest
{
    public required string StorePath { get; init; }

    /// <summary>The generation to rebuild; 0 means the latest.</summary>
    public int Generation { get; init; }

    public required string DestinationPath { get; init; }

    /// <summary>Replace an existing destination file.</summary>
    public bool Force { get; init; }
}

/// <summary>The outcome of a restore: which generation, where, and that it matched its backup map.</summary>
public sealed class RestoreChangedBlockResult
{
    public string StorePath { get; set; } = "";
    public int Generation { get; set; }
    public string DestinationPath { get; set; } = "";
    public long Size { get; set; }
    public int GenerationsApplied { get; set; }
    public bool VerifiedAgainstMap { get; set; }
    public TimeSpan Duration { get; set; }
}

/// <summary>
/// Rebuilds generation N byte for byte: applies generations 1..N in order into a temporary file (each
/// changed-block file's checksum is checked), digests the result and compares it with generation N's
/// backup map, and only then renames it to the destination.
/// </summary>
public sealed class RestoreChangedBlockOperation(CatalogDatabase catalog)
{
    public Task<RestoreChangedBlockResult> RunAsync(RestoreChangedBlockRequest request, IOperationReporter reporter, CancellationToken cancellationToken) =>
        Task.Run(() => Run(request, reporter, cancellationToken), cancellationToken);

    private RestoreChangedBlockResult Run(RestoreChangedBlockRequest request, IOperationReporter reporter, CancellationToken token)
    {
        var stopwatch = System.Diagnostics.Stopwatch.StartNew();
        var store = Path.GetFullPath(request.StorePath);
        var destination = Path.GetFullPath(request.DestinationPath);
        var generations = new ChangedBlockCatalog(catalog).GetGenerations(store);
        if (generations.Count == 0)
            throw new ClusterBackupException(ErrorKind.ObjectNotFound, store, $"The catalog '{catalog.Path}' has no changed-block backups in '{store}'.");
        var wanted = request.Generation == 0 ? generations[^1].Generation : request.Generation;
        var target = generations.FirstOrDefault(g => g.Generation == wanted)
            ?? throw new ClusterBackupException(ErrorKind.ObjectNotFound, store, $"'{store}' has generations 1 to {generations[^1].Generation}; there is no generation {wanted}.");
        if (File.Exists(destination) && !request.Force)
            throw new ClusterBackupException(ErrorKind.InvalidArgument, destination, $"'{destination}' exists; pass -Force (--force) to replace it.");

        // Rebuilt under a temporary name and renamed only once it matches the backup map.
        AtomicFile.WriteThrough(destination, temporary =>
        {
            using (var output = BlockStorage.OpenWrite(temporary, create: true))
            {
                var chain = generations.Where(g => g.Generation <= wanted).ToList();
                var activity = $"Restoring generation {wanted} of {target.SourcePath}";
                for (var i = 0; i < chain.Count; i++)
                {
                    reporter.Progress(activity, $"applying generation {chain[i].Generation}", i * 100 / chain.Count);
                    ChangedBlockFile.ApplyTo(chain[i].DataFile, chain[i].Generation, target.BlockSize, output, token);
                }
                output.Flush();
                reporter.Completed(activity);

                var map = DigestFile.Read(target.MapFile);
                var rebuilt = BlockDigestEngine.Compute(output, new BlockDigestOptions { BlockSize = map.BlockSize, Algorithm = map.Algorithm }, reporter, $"Verifying {destination}", token);
                var differing = DigestComparer.DifferingBlocks(rebuilt, map, target.MapFile);
                if (differing.Count > 0 || rebuilt.DeviceSize != map.DeviceSize)
                    throw new ClusterBackupException(ErrorKind.InvalidData, store,
                        $"The rebuilt generation {wanted} does not match its backup map ({differing.Count} blocks differ{(rebuilt.DeviceSize != map.DeviceSize ? $", size {rebuilt.DeviceSize} instead of {map.DeviceSize}" : "")}); the store is damaged.");
            }
        }, "the restored file", overwrite: request.Force);
        return new RestoreChangedBlockResult
        {
            StorePath = store,
            Generation = wanted,
            DestinationPath = destination,
            Size = target.DeviceSize,
            GenerationsApplied = generations.Count(g => g.Generation <= wanted),
            VerifiedAgainstMap = true,
            Duration = stopwatch.Elapsed,
        };
    }
}
