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

/// <summary>Digests a file or device and writes a digest file (docs/digest-format.md), e.g. to compare with later.</summary>
public sealed class ExportBlockDigestOperation(IOperationReporter? reporter = null)
{
    public Task<BlockDigestExport> RunAsync(string path, string digestPath, BlockDigestOptions options, CancellationToken token = default) => Task.Run(() =>
    {
        var stopwatch = Stopwatch.StartNew();
        using var storage = BlockStorage.OpenRead(path);
        var digests = BlockDigestEngine.Compute(storage, options, reporter, $"Digesting {storage.Path}", token);
        var elapsed = stopwatch.Elapsed;
        DigestFile.Write(digestPath, digests, storage.Path);
        return new BlockDigestExport
        {
            Path = storage.Path,
            DigestPath = System.IO.Path.GetFullPath(digestPath),
            Algorithm = digests.Algorithm,
            BlockSize = digests.BlockSize,
            DeviceSize = digests.DeviceSize,
            BlockCount = digests.BlockCount,
            Duration = elapsed,
        };
    }, token);
}
