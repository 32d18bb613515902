using System.Buffers.Binary;
using System.Diagnostics;
using System.Text;
using ClusterBackup.Engine.Common;
using Newtonsoft.Json;

namespace ClusterBackup.Engine.Digest.Remote;

/// <summary>
/// The two roles of a remote comparison, independent of who opened the connection (so either the
/// primary or the backup system can start it).
/// Backup role: digests its copy, sends one digest per group, then the block digests of the groups the
/// primary asks for, then writes the blocks the primary sends, flushes, and re-digests them.
/// Primary role: digests its own data at the same time, compares groups then blocks, and sends only
/// the differing blocks. Only digests and differing blocks cross the link.
/// </summary>
internal static class DigestSession
{
    private const int ChunkBytes = 1024 * 1024;

    /// <param name="channel">The authenticated connection to the backup endpoint.</param>
    /// <param name="primary">The primary's own data.</param>
    /// <param name="request">Block size, group size, algorithm and repair choice.</param>
    /// <param name="backupName">The backup copy's name, for messages.</param>
    /// <param name="backupStartedIt">True when the backup side started the comparison: its user gets the full result,
    /// differing ranges included; otherwise the backup endpoint only logs a summary, so the ranges are not sent.</param>
    /// <param name="reporter">Receives progress.</param>
    /// <param name="token">Stops the comparison.</param>
    public static async Task<BlockDigestComparison> RunPrimaryAsync(DigestChannel channel, BlockStorage primary, DigestSessionRequest request,
        string backupName, bool backupStartedIt, IOperationReporter reporter, CancellationToken token)
    {
        var stopwatch = Stopwatch.StartNew();
        var options = request.Options;
        var digestLength = DigestAlgorithms.DigestLength(options.Algorithm);
        var ownTask = Task.Run(() => BlockDigestEngine.Compute(primary, options, reporter, $"Digesting {primary.Path}", token), token);
        try
        {
            var info = await channel.ExpectAsync(DigestMessage.BackupInfo, token).ConfigureAwait(false);
            var backupSize = BinaryPrimitives.ReadInt64LittleEndian(info);
            var backupBlocks = BlockDigestList.BlockCountFor(backupSize, options.BlockSize);
            var backupGroups = BlockDigestList.GroupCountFor(backupBlocks, options.GroupBlocks);
            var backupGroupDigests = new byte[backupGroups * digestLength];
            long digestBytes = 0, filled = 0;
            while (true)
            {
                var (type, payload) = await channel.ReceiveAsync(token).ConfigureAwait(false);
                if (type == DigestMessage.GroupDigestsEnd)
                    break;
                Require(type == DigestMessage.GroupDigests && filled + payload.Length <= backupGroupDigests.Length, channel, "group digests");
                payload.CopyTo(backupGroupDigests, filled);
                filled += payload.Length;
                digestBytes += payload.Length;
            }
            Require(filled == backupGroupDigests.Length, channel, "the complete set of group digests");

            var own = await ownTask.ConfigureAwait(false);
            var ownGroups = own.GroupDigests(options.GroupBlocks);
            var differingGroups = DigestComparer.DifferingGroups(ownGroups, backupGroupDigests, digestLength);
            var asked = differingGroups.Where(g => g < backupGroups).ToList();
            var bitmap = new byte[(backupGroups + 7) / 8];
            foreach (var group in asked)
                bitmap[group / 8] |= (byte)(1 << (int)(group % 8));
            await channel.SendAsync(DigestMessage.GroupRequest, bitmap, token).ConfigureAwait(false);
            await channel.FlushAsync(token).ConfigureAwait(false);

            // The backup answers with the block digests of the asked groups, in group order, concatenated.
            var expectedBytes = asked.Sum(g => BlocksInGroup(g, backupBlocks, options.GroupBlocks) * (long)digestLength);
            var blockDigests = new byte[expectedBytes];
            filled = 0;
            while (true)
            {
                var (type, payload) = await channel.ReceiveAsync(token).ConfigureAwait(false);
                if (type == DigestMessage.BlockDigestsEnd)
                    break;
                Require(type == DigestMessage.BlockDigests && filled + payload.Length <= blockDigests.Length, channel, "block digests");
                payload.CopyTo(blockDigests, filled);
                filled += payload.Length;
                digestBytes += payload.Length;
            }
            Require(filled == expectedBytes, channel, "the block digests of every group asked for");

            var differing = new List<long>();
            long cursor = 0;
            foreach (var group in differingGroups)
            {
                var first = group * options.GroupBlocks;
                var end = Math.Min(first + options.GroupBlocks, own.BlockCount);
                var backupInGroup = group < backupGroups ? BlocksInGroup(group, backupBlocks, options.GroupBlocks) : 0;
                for (var block = first; block < end; block++)
                {
                    var index = block - first;
                    if (index >= backupInGroup || !own.Digest(block).SequenceEqual(blockDigests.AsSpan((int)(cursor + index * digestLength), digestLength)))
                        differing.Add(block);
                }
                cursor += backupInGroup * digestLength;
            }

            var result = CompareBlockDigestOperation.Summarize(primary.Path, backupName, "Remote", options, own, backupSize, differing, stopwatch);
            result.GroupsCompared = BlockDigestList.GroupCountFor(own.BlockCount, options.GroupBlocks);
            result.GroupsDiffering = differingGroups.Count;
            if (request.Repair && !request.WhatIf)
            {
                await SendBlocksAsync(channel, primary, own, differing, reporter, backupName, token).ConfigureAwait(false);
                var commit = new byte[8];
                BinaryPrimitives.WriteInt64LittleEndian(commit, own.DeviceSize);
                await channel.SendAsync(DigestMessage.Commit, commit, token).ConfigureAwait(false);
                await channel.FlushAsync(token).ConfigureAwait(false);
                var verified = await channel.ExpectAsync(DigestMessage.Verified, token).ConfigureAwait(false);
                var newSize = BinaryPrimitives.ReadInt64LittleEndian(verified);
                digestBytes += verified.Length - 8;
                Require(verified.Length == 8 + differing.Count * digestLength, channel, "a digest for every written block");
                CompareBlockDigestOperation.ConfirmVerified(result, differing, own, verified[8..], backupName);
                result.BackupSize = newSize;
                result.Identical = newSize == own.DeviceSize;
            }
            result.DigestBytes = digestBytes;
            result.BytesToBackup = channel.BytesSent;
            result.BytesToPrimary = channel.BytesReceived;
            result.Duration = stopwatch.Elapsed;
            var summary = Encoding.UTF8.GetBytes(JsonConvert.SerializeObject(result));
            if (!backupStartedIt || summary.Length > DigestChannel.MaxPayload)
                summary = Encoding.UTF8.GetBytes(JsonConvert.SerializeObject(WithoutRanges(result)));
            await channel.SendAsync(DigestMessage.Summary, summary, token).ConfigureAwait(false);
            await channel.SendAsync(DigestMessage.Done, token).ConfigureAwait(false);
            await channel.FlushAsync(token).ConfigureAwait(false);
            result.BytesToBackup = channel.BytesSent;
            return result;
        }
        finally
        {
            // Never leave the digest workers running against a handle the caller is about to close.
            // Its own failure, if any, has already surfaced above or is superseded by the one in flight.
            try { await ownTask.ConfigureAwait(false); }
            catch (Exception) { }
        }
    }

    private static async Task SendBlocksAsync(DigestChannel channel, BlockStorage primary, BlockDigestList own, List<long> differing,
        IOperationReporter reporter, string backupName, CancellationToken token)
    {
        var activity = $"Repairing {backupName}";
        var batch = new byte[ChunkBytes + 12 + own.BlockSize];
        var used = 0;
        for (var i = 0; i < differing.Count; i++)
        {
            token.ThrowIfCancellationRequested();
            var block = differing[i];
            var length = own.BlockLength(block);
            BinaryPrimitives.WriteInt64LittleEndian(batch.AsSpan(used), block);
            BinaryPrimitives.WriteInt32LittleEndian(batch.AsSpan(used + 8), length);
            var read = primary.ReadAt(block * own.BlockSize, batch.AsSpan(used + 12, length));
            if (read != length)
                throw new ClusterBackupException(ErrorKind.ReadError, primary.Path, $"'{primary.Path}' changed size during the repair (block {block}).");
            used += 12 + length;
            if (used >= ChunkBytes || i == differing.Count - 1)
            {
                await channel.SendAsync(DigestMessage.BlockData, batch.AsMemory(0, used), token).ConfigureAwait(false);
                used = 0;
                reporter.Progress(activity, $"{i + 1} of {differing.Count} blocks sent", (int)((i + 1L) * 100 / differing.Count));
            }
        }
        reporter.Completed(activity);
    }

    public static Task<BlockDigestComparison> RunBackupAsync(DigestChannel channel, string path, DigestSessionRequest request,
        string primaryName, IOperationReporter reporter, CancellationToken token) =>
        RunBackupAsync(channel, write => write ? BlockStorage.OpenWrite(path, create: false) : BlockStorage.OpenRead(path), request, primaryName, reporter, token);

    /// <param name="channel">The authenticated connection to the primary.</param>
    /// <param name="open">Opens the backup copy, for writing when the argument is true (a repair).</param>
    /// <param name="request">Block size, group size, algorithm and repair choice.</param>
    /// <param name="primaryName">The primary's name, for messages.</param>
    /// <param name="reporter">Receives progress.</param>
    /// <param name="token">Stops the comparison.</param>
    public static async Task<BlockDigestComparison> RunBackupAsync(DigestChannel channel, Func<bool, BlockStorage> open, DigestSessionRequest request,
        string primaryName, IOperationReporter reporter, CancellationToken token)
    {
        var options = request.Options;
        var write = request.Repair && !request.WhatIf;
        BlockStorage storage;
        try
        {
            storage = open(write);
        }
        catch (ClusterBackupException ex)
        {
            await channel.SendErrorAsync(ex.Message, token).ConfigureAwait(false);
            throw;
        }
        using (storage)
        {
            var info = new byte[8];
            BinaryPrimitives.WriteInt64LittleEndian(info, storage.Length);
            await channel.SendAsync(DigestMessage.BackupInfo, info, token).ConfigureAwait(false);
            await channel.FlushAsync(token).ConfigureAwait(false);

            var digests = await Task.Run(() => BlockDigestEngine.Compute(storage, options, reporter, $"Digesting {storage.Path}", token), token).ConfigureAwait(false);
            var groups = digests.GroupDigests(options.GroupBlocks);
            for (var offset = 0; offset < groups.Length; offset += ChunkBytes)
                await channel.SendAsync(DigestMessage.GroupDigests, groups.AsMemory(offset, Math.Min(ChunkBytes, groups.Length - offset)), token).ConfigureAwait(false);
            await channel.SendAsync(DigestMessage.GroupDigestsEnd, token).ConfigureAwait(false);
            await channel.FlushAsync(token).ConfigureAwait(false);

            var bitmap = await channel.ExpectAsync(DigestMessage.GroupRequest, token).ConfigureAwait(false);
            var groupCount = BlockDigestList.GroupCountFor(digests.BlockCount, options.GroupBlocks);
            Require(bitmap.Length == (groupCount + 7) / 8, channel, "a group request covering this backup's groups");
            var answer = new MemoryStream();
            for (long group = 0; group < groupCount; group++)
            {
                if ((bitmap[group / 8] & (1 << (int)(group % 8))) == 0)
                    continue;
                var first = group * options.GroupBlocks;
                var count = BlocksInGroup(group, digests.BlockCount, options.GroupBlocks);
                answer.Write(digests.Digests, (int)(first * digests.DigestLength), (int)(count * digests.DigestLength));
                if (answer.Length >= ChunkBytes)
                {
                    await channel.SendAsync(DigestMessage.BlockDigests, answer.ToArray(), token).ConfigureAwait(false);
                    answer.SetLength(0);
                }
            }
            if (answer.Length > 0)
                await channel.SendAsync(DigestMessage.BlockDigests, answer.ToArray(), token).ConfigureAwait(false);
            await channel.SendAsync(DigestMessage.BlockDigestsEnd, token).ConfigureAwait(false);
            await channel.FlushAsync(token).ConfigureAwait(false);

            var writer = new BackupBlockWriter(storage, options.Algorithm, options.BlockSize, reporter);
            BlockDigestComparison? summary = null;
            while (true)
            {
                var (type, payload) = await channel.ReceiveAsync(token).ConfigureAwait(false);
                switch (type)
                {
                    case DigestMessage.BlockData:
                        Require(write, channel, "no block data (this session is not a repair)");
                        for (var at = 0; at < payload.Length;)
                        {
                            Require(at + 12 <= payload.Length, channel, "a complete block header");
                            var block = BinaryPrimitives.ReadInt64LittleEndian(payload.AsSpan(at));
                            var length = BinaryPrimitives.ReadInt32LittleEndian(payload.AsSpan(at + 8));
                            Require(length >= 0 && length <= options.BlockSize && at + 12 + length <= payload.Length && block >= 0, channel, "a complete block");
                            writer.Write(block, payload.AsSpan(at + 12, length));
                            at += 12 + length;
                        }
                        // The endpoint's own log shows how far a repair got when the primary's side went away.
                        reporter.Progress($"Writing {storage.Path}", $"{writer.BlocksWritten} blocks written", -1);
                        break;
                    case DigestMessage.Commit:
                        Require(write, channel, "no commit (this session is not a repair)");
                        var verified = writer.Commit(BinaryPrimitives.ReadInt64LittleEndian(payload));
                        var reply = new byte[8 + verified.Length];
                        BinaryPrimitives.WriteInt64LittleEndian(reply, storage.Length);
                        verified.CopyTo(reply, 8);
                        await channel.SendAsync(DigestMessage.Verified, reply, token).ConfigureAwait(false);
                        await channel.FlushAsync(token).ConfigureAwait(false);
                        break;
                    case DigestMessage.Summary:
                        summary = JsonConvert.DeserializeObject<BlockDigestComparison>(Encoding.UTF8.GetString(payload));
                        break;
                    case DigestMessage.Done:
                        Require(summary is not null, channel, "a summary before the end of the session");
                        summary!.BackupPath = storage.Path;
                        summary.PrimaryPath = primaryName;
                        summary.BytesToPrimary = channel.BytesSent;
                        summary.BytesToBackup = channel.BytesReceived;
                        return summary;
                    default:
                        Require(false, channel, $"a repair or summary message, not {type}");
                        break;
                }
            }
        }
    }

    private static long BlocksInGroup(long group, long blockCount, int groupBlocks) =>
        Math.Max(0, Math.Min(groupBlocks, blockCount - group * groupBlocks));

    private static void Require(bool condition, DigestChannel channel, string what)
    {
        if (!condition)
            throw new ClusterBackupException(ErrorKind.InvalidData, channel.PeerName, $"Protocol error: expected {what} from {channel.PeerName}.");
    }

    private static BlockDigestComparison WithoutRanges(BlockDigestComparison result)
    {
        var ranges = result.DifferingRanges;
        result.DifferingRanges = [];
        var copy = JsonConvert.DeserializeObject<BlockDigestComparison>(JsonConvert.SerializeObject(result))!;
        result.DifferingRanges = ranges;
        return copy;
    }
}
