using System.Collections.Concurrent;
using System.Security.Cryptography;
using ClusterBackup.Engine.Catalog;
using ClusterBackup.Engine.Common;
using ClusterBackup.Engine.Tape.Format;

namespace ClusterBackup.Engine.Tape.Agents;

/// <summary>An object to write and the chain of agents that write it: the backup-group agent first, then one per mirror level.</summary>
public sealed record ChainedObject(ITapeObjectSource Source, IReadOnlyList<BackupMediaAgent> Chain);

/// <summary>What a write session did: per agent its stream, per object its length and SHA-256.</summary>
public sealed record TapeWriteResult(Guid SessionId, string Job, DateTimeOffset Started, DateTimeOffset Finished,
    IReadOnlyList<BackupMediaAgent> Agents, IReadOnlyList<TapeObject> Objects, Exception? Error)
{
    public bool Completed => Error is null;
    public long Bytes => Objects.Sum(o => o.Length);

    /// <summary>The catalog's view: streams with their volumes, objects, and one copy per object per agent that ended it.</summary>
    public TapeSessionRecord ToSessionRecord()
    {
        var streams = Agents.Where(a => a.Writer is not null && a.Writer.Volumes.Count > 0)
            .Select(a => new TapeStream(a.StreamId, SessionId, a.Name, a.MirrorLevel, a.Pool, a.BlockSize, a.Writer!.Volumes)).ToList();
        var objectIds = Objects.Select(o => o.ObjectId).ToHashSet();
        var copies = new List<TapeObjectCopy>();
        foreach (var agent in Agents.Where(a => a.Writer is not null && a.Writer.Volumes.Count > 0))
            foreach (var ended in agent.EndedObjects.Where(e => objectIds.Contains(e.ObjectId)))
                if (agent.Writer!.Positions.TryGetValue(ended.ObjectId, out var p))
                    copies.Add(new TapeObjectCopy(ended.ObjectId, agent.StreamId, SessionId, agent.Name, agent.MirrorLevel,
                        p.FirstVolumeSequence, p.FirstBlock, p.LastVolumeSequence, p.LastBlock, false, null, []));
        return new TapeSessionRecord(SessionId, Job, Started, Finished, Completed, streams, Objects, copies);
    }
}

/// <summary>
/// Runs one write session: feeder threads read each object once into pooled record buffers, hash it
/// (SHA-256) and checksum each record (CRC32C) once, and post the records to the first agent of the
/// object's chain; every agent thread multiplexes its buffers onto its tape and hands each record on
/// down the chain. Memory is bounded per object (a few records in flight), so no agent can stall another.
/// </summary>
public static class TapeWriteSession
{
    public const int RecordsInFlightPerObject = 6;

    public static TapeWriteResult Run(string job, IReadOnlyList<ChainedObject> objects, IOperationReporter reporter, CancellationToken token,
        int maxConcurrentObjects = 8)
    {
        var sessionId = Guid.NewGuid();
        var started = DateTimeOffset.UtcNow;
        var agents = objects.SelectMany(o => o.Chain).Distinct().ToList();
        var entries = new List<(ChainedObject Item, ObjectBuffer First, SessionObject Target)>();
        foreach (var item in objects)
        {
            if (item.Chain.Count == 0)
                throw new ClusterBackupException(ErrorKind.InvalidArgument, item.Source.Name, $"Object {item.Source.Name} has no agent to write it.");
            if (item.Chain.Select(a => a.BlockSize).Distinct().Count() > 1)
                throw new ClusterBackupException(ErrorKind.InvalidArgument, item.Source.Name,
                    $"The chain of object {item.Source.Name} ({string.Join(" -> ", item.Chain.Select(a => a.Name))}) mixes block sizes; every agent of a chain must use the same block size.");
            var target = new SessionObject(item.Source.ObjectId, item.Source.Name, item.Source.Length, item.Source.BackupSetId);
            ObjectBuffer? next = null;
            for (var i = item.Chain.Count - 1; i >= 0; i--)
                next = item.Chain[i].AddBuffer(target, next);
            entries.Add((item, next!, target));
        }

        using var cancel = CancellationTokenSource.CreateLinkedTokenSource(token);
        var errors = new ConcurrentQueue<Exception>();
        var pools = new ConcurrentDictionary<int, TapeChunkPool>();
        var results = new ConcurrentDictionary<Guid, TapeObject>();
        var totalBytes = Math.Max(1, objects.Sum(o => o.Source.Length));
        long doneBytes = 0;
        var activity = $"Writing {objects.Count} objects to tape ({job})";

        void Fail(Exception ex)
        {
            errors.Enqueue(ex);
            try { cancel.Cancel(); } catch (ObjectDisposedException) { }
        }

        var agentThreads = agents.Select(agent => StartThread($"agent {agent.Name}", () =>
        {
            try { agent.Run(sessionId, job, started, reporter, cancel.Token); }
            catch (OperationCanceledException) when (cancel.IsCancellationRequested) { }
            catch (Exception ex) { Fail(ex); }
        })).ToList();

        var queue = new ConcurrentQueue<(ChainedObject Item, ObjectBuffer First, SessionObject Target)>(entries);
        var feederThreads = Enumerable.Range(0, Math.Max(1, Math.Min(maxConcurrentObjects, entries.Count))).Select(i => StartThread($"feeder {i}", () =>
        {
            while (!cancel.IsCancellationRequested && queue.TryDequeue(out var entry))
            {
                try
                {
                    var blockSize = entry.Item.Chain[0].BlockSize;
                    var pool = pools.GetOrAdd(blockSize, size => new TapeChunkPool(size - TapeFormat.BlockHeaderLength));
                    var result = Feed(entry.Item.Source, entry.First, pool, blockSize, bytes =>
                    {
                        var done = Interlocked.Add(ref doneBytes, bytes);
                        reporter.Progress(activity, $"{done >> 20} of {totalBytes >> 20} MiB read", (int)(done * 100 / totalBytes));
                    }, cancel.Token);
                    results[result.ObjectId] = result;
                }
                catch (OperationCanceledException) when (cancel.IsCancellationRequested) { }
                catch (Exception ex) { Fail(ex); }
            }
        })).ToList();

        foreach (var thread in feederThreads.Concat(agentThreads))
            thread.Join();
        // Every feeder and agent has finished: no chunk is in use, so the pools' native buffers can go.
        foreach (var pool in pools.Values)
            pool.Dispose();
        reporter.Completed(activity);
        token.ThrowIfCancellationRequested();
        errors.TryDequeue(out var error);
        var ordered = entries.Where(e => results.ContainsKey(e.Target.ObjectId)).Select(e => results[e.Target.ObjectId]).ToList();
        return new TapeWriteResult(sessionId, job, started, DateTimeOffset.UtcNow, agents, ordered, error);
    }

    private static Thread StartThread(string name, Action body)
    {
        var thread = new Thread(() => body()) { IsBackground = true, Name = name };
        thread.Start();
        return thread;
    }

    /// <summary>Reads one object into records, hashes it once, and posts each record to the head of its chain.</summary>
    private static TapeObject Feed(ITapeObjectSource source, ObjectBuffer first, TapeChunkPool pool, int blockSize, Action<long> progress, CancellationToken token)
    {
        var maxData = TapeFormat.MaxRecordData(blockSize);
        var references = first.ChainLength;
        var slots = new WorkSignal(RecordsInFlightPerObject);
        using var sha = IncrementalHash.CreateHash(HashAlgorithmName.SHA256);
        var remaining = source.Length;
        long sequence = 0;
        long sinceProgress = 0;
        void Released(TapeChunk c)
        {
            pool.Return(c);
            slots.Release();
        }
        do
        {
            slots.Wait(token);
            var chunk = pool.Rent();
            var want = (int)Math.Min(remaining, maxData);
            var data = chunk.Buffer.Slice(TapeFormat.RecordHeaderLength, want);
            var got = 0;
            while (got < want)
            {
                var n = source.Read(data[got..], token);
                if (n <= 0)
                    throw new ClusterBackupException(ErrorKind.ReadError, source.SourcePath ?? source.Name,
                        $"Object {source.Name} ended after {source.Length - remaining + got} of {source.Length} bytes; it changed while being written to tape.");
                got += n;
            }
            sha.AppendData(data);
            var flags = sequence == 0 ? TapeRecordFlags.Start : TapeRecordFlags.Continue;
            if (remaining == want)
                flags |= TapeRecordFlags.End;
            chunk.Seal(new TapeRecordHeader(TapeRecordType.ObjectData, flags, want, source.ObjectId, sequence++));
            chunk.Arm(references, Released);
            first.Post(chunk);
            remaining -= want;
            sinceProgress += want;
            if (sinceProgress >= 64 << 20)
            {
                progress(sinceProgress);
                sinceProgress = 0;
            }
        } while (remaining > 0);
        progress(sinceProgress);
        Span<byte> probe = stackalloc byte[1];
        if (source.Read(probe, token) != 0)
            throw new ClusterBackupException(ErrorKind.ReadError, source.SourcePath ?? source.Name,
                $"Object {source.Name} grew beyond its {source.Length} bytes while being written to tape.");
        var hash = sha.GetHashAndReset();
        var hex = Convert.ToHexString(hash).ToLowerInvariant();
        if (source.ExpectedSha256 is { } expected && !string.Equals(expected, hex, StringComparison.OrdinalIgnoreCase))
            throw new ClusterBackupException(ErrorKind.InvalidData, source.SourcePath ?? source.Name,
                $"Object {source.Name} has SHA-256 {hex}, but the catalog recorded {expected.ToLowerInvariant()} when it was backed up; the file on the share changed.");
        slots.Wait(token);
        var end = pool.Rent();
        TapeRecordCodec.EncodeObjectEnd(source.Length, hash).CopyTo(end.Buffer[TapeFormat.RecordHeaderLength..]);
        end.Seal(new TapeRecordHeader(TapeRecordType.ObjectEnd, TapeRecordFlags.None, TapeRecordCodec.ObjectEndLength, source.ObjectId, sequence));
        end.Arm(references, Released);
        first.Post(end);
        return new TapeObject
        {
            ObjectId = source.ObjectId, Name = source.Name, SourcePath = source.SourcePath, BackupSetId = source.BackupSetId,
            Length = source.Length, Sha256 = hex, Created = DateTimeOffset.UtcNow,
        };
    }
}
