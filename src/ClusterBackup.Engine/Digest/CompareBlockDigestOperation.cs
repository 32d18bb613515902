using System.Diagnostics;
using ClusterBackup.Engine.Common;
using ClusterBackup.Engine.Digest.Remote;

namespace ClusterBackup.Engine.Digest;

/// <summary>
/// Compare-BlockDigest and `clusterbackup digest compare`: compares a primary and its backup block by block. Each side digests its blocks,
/// the digests are compared, and with Repair the differing blocks are written into the backup in
/// place, flushed, and re-read to verify. Local paths, a stored digest file, or a remote
/// `clusterbackup digest serve` endpoint (see <see cref="DigestSession"/>).
/// <para>Interruption: the backup is only ever written with the primary's blocks, block by block, and
/// truncated last; a stopped repair leaves each block old or new (never worse) and a re-run finishes it.</para>
/// </summary>
public sealed class CompareBlockDigestOperation
{
    public async Task<BlockDigestComparison> RunAsync(CompareBlockDigestRequest request, IOperationReporter reporter, CancellationToken cancellationToken)
    {
        request.Options.Validate();
        var counterparts = (request.BackupPath is null ? 0 : 1) + (request.DigestFilePath is null ? 0 : 1) + (request.Remote is null ? 0 : 1);
        if (counterparts != 1)
            throw new ClusterBackupException(ErrorKind.InvalidArgument, request.Path,
                "Give exactly one counterpart to compare with: a backup path, a digest file, or a remote endpoint.");
        var result = request.Remote is not null
            ? await DigestClient.CompareAsync(request, reporter, cancellationToken).ConfigureAwait(false)
            : await Task.Run(() => request.DigestFilePath is not null ? CompareWithDigestFile(request, reporter, cancellationToken) : CompareLocal(request, reporter, cancellationToken), cancellationToken).ConfigureAwait(false);
        if (result.SizesDiffer)
            reporter.Warning($"The primary '{result.PrimaryPath}' is {result.PrimarySize} bytes and the backup '{result.BackupPath}' {result.BackupSize} bytes.");
        return result;
    }

    private static BlockDigestComparison CompareWithDigestFile(CompareBlockDigestRequest request, IOperationReporter reporter, CancellationToken token)
    {
        if (request.Repair)
            throw new ClusterBackupException(ErrorKind.InvalidArgument, request.DigestFilePath!, "A digest file holds no data to repair from; compare with a path or an endpoint to repair.");
        var stopwatch = Stopwatch.StartNew();
        var stored = DigestFile.Read(request.DigestFilePath!);
        var options = request.Options with { Algorithm = stored.Algorithm };
        if (stored.BlockSize != options.BlockSize)
            throw new ClusterBackupException(ErrorKind.InvalidData, request.DigestFilePath!,
                $"The digest file '{Path.GetFullPath(request.DigestFilePath!)}' was made with {stored.BlockSize}-byte blocks, but this comparison uses {options.BlockSize}-byte blocks; use -BlockSize {stored.BlockSize}.");
        using var primary = BlockStorage.OpenRead(request.Path);
        var digests = BlockDigestEngine.Compute(primary, options, reporter, $"Digesting {primary.Path}", token);
        var differing = DigestComparer.DifferingBlocks(digests, stored);
        var result = Summarize(primary.Path, Path.GetFullPath(request.DigestFilePath!), "DigestFile", options, digests, stored.DeviceSize, differing, stopwatch);
        return result;
    }

    private static BlockDigestComparison CompareLocal(CompareBlockDigestRequest request, IOperationReporter reporter, CancellationToken token)
    {
        var stopwatch = Stopwatch.StartNew();
        var options = request.Options;
        var writeBackup = request.Repair && !request.WhatIf;
        using var primary = BlockStorage.OpenRead(request.Path);
        using var backup = writeBackup ? BlockStorage.OpenWrite(request.BackupPath!, create: false) : BlockStorage.OpenRead(request.BackupPath!);
        var primaryDigests = BlockDigestEngine.Compute(primary, options, reporter, $"Digesting {primary.Path}", token);
        var backupDigests = BlockDigestEngine.Compute(backup, options, reporter, $"Digesting {backup.Path}", token);
        var differing = DigestComparer.DifferingBlocks(primaryDigests, backupDigests);
        var result = Summarize(primary.Path, backup.Path, "Local", options, primaryDigests, backup.Length, differing, stopwatch);
        if (!writeBackup)
            return result;

        var writer = new BackupBlockWriter(backup, options.Algorithm, options.BlockSize, reporter);
        var activity = $"Repairing {backup.Path}";
        var buffer = new byte[options.BlockSize];
        for (var i = 0; i < differing.Count; i++)
        {
            token.ThrowIfCancellationRequested();
            var block = differing[i];
            var length = primaryDigests.BlockLength(block);
            var read = primary.ReadAt(block * options.BlockSize, buffer.AsSpan(0, length));
            if (read != length)
                throw new ClusterBackupException(ErrorKind.ReadError, primary.Path, $"'{primary.Path}' changed size during the repair (block {block}).");
            writer.Write(block, buffer.AsSpan(0, length));
            CrashPoint.Reach("digest.repair-block");
            result.BytesToBackup += length;
            if (i % 256 == 0)
                reporter.Progress(activity, $"{i + 1} of {differing.Count} blocks written", (int)((i + 1L) * 100 / differing.Count));
        }
        reporter.Completed(activity);
        var verified = writer.Commit(primary.Length);
        ConfirmVerified(result, differing, primaryDigests, verified, backup.Path);
        result.BackupSize = backup.Length;
        result.Identical = backup.Length == primary.Length; // a device larger than the primary keeps its tail
        result.Duration = stopwatch.Elapsed;
        return result;
    }

    internal static BlockDigestComparison Summarize(string primaryPath, string backupPath, string mode, BlockDigestOptions options,
        BlockDigestList primaryDigests, long backupSize, List<long> differing, Stopwatch stopwatch)
    {
        var ranges = DigestComparer.ToRanges(differing, options.BlockSize, primaryDigests.DeviceSize);
        return new BlockDigestComparison
        {
            PrimaryPath = primaryPath,
            BackupPath = backupPath,
            Mode = mode,
            Algorithm = options.Algorithm,
            BlockSize = options.BlockSize,
            GroupBlocks = options.GroupBlocks,
            PrimarySize = primaryDigests.DeviceSize,
            BackupSize = backupSize,
            BlocksCompared = primaryDigests.BlockCount,
            DifferingBlocks = differing.Count,
            DifferingBytes = DigestComparer.BytesIn(ranges),
            DifferingRanges = ranges,
            Identical = differing.Count == 0 && primaryDigests.DeviceSize == backupSize,
            Duration = stopwatch.Elapsed,
        };
    }

    /// <summary>Checks the backup's re-read digests of the written blocks against the primary's; any mismatch is an error.</summary>
    internal static void ConfirmVerified(BlockDigestComparison result, IReadOnlyList<long> written, BlockDigestList primaryDigests, byte[] verified, string backupName)
    {
        var length = primaryDigests.DigestLength;
        var bad = new List<long>();
        for (var i = 0; i < written.Count; i++)
            if (!verified.AsSpan(i * length, length).SequenceEqual(primaryDigests.Digest(written[i])))
                bad.Add(written[i]);
        result.Repaired = true;
        result.BlocksWritten = written.Count;
        result.BlocksVerified = written.Count - bad.Count;
        if (bad.Count > 0)
            throw new ClusterBackupException(ErrorKind.WriteError, backupName,
                $"{bad.Count} repaired block(s) of '{backupName}' read back different from the primary after the flush (first: block {bad[0]}); the backup storage may be failing.");
        result.Identical = true;
    }
}
