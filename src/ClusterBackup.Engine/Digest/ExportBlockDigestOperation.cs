using System.Diagnostics;
using ClusterBackup.Engine.Common;

namespace ClusterBackup.Engine.Digest;

/// <summary>What a digest file was written from, and what it holds.</summary>
public sealed class BlockDigestExport
{
    public string Path { get; set; } = "";
    public string DigestPath { get; set; } = "";
    public DigestAlgorithm Algorithm { get; set; }
    public int BlockSize { get; set; }
    public long DeviceSize { get; set; }
    public long BlockCount { get; set; }
    public TimeSpan Duration { get; set; }
    /// <summary>Bytes digested per second over the whole run.</summary>
    public double BytesPerSecond => Duration.TotalSeconds > 0 ? DeviceSize / Duration.TotalSeconds : 0;
}

/// <summary>What to digest and where the digest file goes.</summary>
/// <param name="Path">The file or block device to digest.</param>
/// <param name="DigestPath">The digest file to write (replaced if it exists).</param>
/// <param name="Options">Block size, algorithm and parallelism of the digests.</param>
public sealed record ExportBlockDigestRequest(string Path, string DigestPath, BlockDigestOptions Options);

/// <summary>Digests a file or device and writes a digest file (docs/digest-format.md), e.g. to compare with later.</summary>
public sealed class ExportBlockDigestOperation
{
    public Task<BlockDigestExport> RunAsync(ExportBlockDigestRequest request, IOperationReporter reporter, CancellationToken cancellationToken) => Task.Run(() =>
    {
        var stopwatch = Stopwatch.StartNew();
        using var storage = BlockStorage.OpenRead(request.Path);
        var digests = BlockDigestEngine.Compute(storage, request.Options, reporter, $"Digesting {storage.Path}", cancellationToken);
        var elapsed = stopwatch.Elapsed;
        DigestFile.Write(request.DigestPath, digests, storage.Path);
        return new BlockDigestExport
        {
            Path = storage.Path,
            DigestPath = System.IO.Path.GetFullPath(request.DigestPath),
            Algorithm = digests.Algorithm,
            BlockSize = digests.BlockSize,
            DeviceSize = digests.DeviceSize,
            BlockCount = digests.BlockCount,
            Duration = elapsed,
        };
    }, cancellationToken);
}
