using System.Security.Cryptography;
using ClusterBackup.Engine.Common;
using ClusterBackup.Engine.Tape.Format;

namespace ClusterBackup.Engine.Tape.Agents;

/// <summary>An object a restore agent saw end, with where its records were.</summary>
public sealed record RestoredObject(Guid ObjectId, string Name, long Length, string Sha256, bool Complete,
    int FirstVolumeSequence, long FirstBlock, int LastVolumeSequence, long LastBlock, Guid SessionId, string? Note = null);

/// <summary>Where a restore starts: the stream's volume, and optionally the block to seek to.</summary>
public sealed record RestoreStart(int VolumeSequence, long? Block, Guid? SessionId);

/// <summary>
/// A restore media agent: reads one tape stream and splits its records by object id into per-object
/// buffers (state: next sequence number, running length and SHA-256, and a sink), checking every record
/// against docs/tape-format.md and every object against its ObjectEnd (length and SHA-256). Objects not
/// asked for are read past. It follows the stream over EndOfVolume onto the next volume.
/// </summary>
public sealed class RestoreMediaAgent(string name, IReadVolumeSource volumes)
{
    public string Name => name;

    private sealed class ObjectState(Guid id, string name, IObjectSink? sink, int volume, long block)
    {
        public Guid Id { get; } = id;
        public string Name { get; set; } = name;
        public IObjectSink? Sink { get; } = sink;
        public long NextSequence;
        public long Length;
        public bool DataEnded;
        public readonly IncrementalHash Sha = IncrementalHash.CreateHash(HashAlgorithmName.SHA256);
        public int FirstVolume { get; } = volume;
        public long FirstBlock { get; } = block;
    }

    /// <summary>
    /// Reads from <paramref name="start"/> until every wanted object has ended (or, when
    /// <paramref name="wanted"/> is null, until the session ends). <paramref name="sinkFor"/> gives each
    /// wanted object its sink (null: verify only).
    /// </summary>
    public IReadOnlyList<RestoredObject> Read(RestoreStart start, IReadOnlySet<Guid>? wanted, Func<Guid, string, IObjectSink?> sinkFor, CancellationToken token,
        Action<long>? progress = null)
    {
        var results = new List<RestoredObject>();
        var states = new Dictionary<Guid, ObjectState>();
        var names = new Dictionary<Guid, string>();
        var volumeSequence = start.VolumeSequence;
        var session = start.SessionId;
        var volume = volumes.Mount(volumeSequence) ?? throw new ClusterBackupException(ErrorKind.ObjectNotFound, name, $"Restore agent {name}: volume {volumeSequence} of the stream is not available.");
        var reader = OpenVolume(volume, session, start.Block);
        long bytes = 0;
        try
        {
            while (true)
            {
                token.ThrowIfCancellationRequested();
                var block = reader.ReadBlock(endOfDataIsNull: true);
                if (block is null)
                {
                    FinishIncomplete(states, results, volume.Barcode, reader.ExpectedBlock, "the session ends without SessionEnd (interrupted)");
                    return results;
                }
                session ??= block.Header.SessionId;
                reader.ExpectedSession = session;
                var blockNumber = block.Header.BlockNumber;
                foreach (var record in block.Records)
                {
                    var h = record.Header;
                    switch (h.Type)
                    {
                        case TapeRecordType.SessionStart:
                        case TapeRecordType.SessionContinue:
                            var descriptor = TapeRecordCodec.DecodeSession(reader.Data(record), volume.Barcode, blockNumber, h.Type);
                            if (descriptor.SessionId != session)
                                throw TapeFormatException.At(volume.Barcode, blockNumber, $"the {h.Type} record names session {descriptor.SessionId}, but the block belongs to {session}");
                            foreach (var o in descriptor.Objects)
                                names[o.ObjectId] = o.Name;
                            break;
                        case TapeRecordType.ObjectData:
                        {
                            if (wanted is not null && !wanted.Contains(h.ObjectId))
                                break;
                            if (!states.TryGetValue(h.ObjectId, out var state))
                            {
                                if (h.Sequence != 0 || !h.Flags.HasFlag(TapeRecordFlags.Start))
                                {
                                    if (wanted is null)
                                        break; // reading a whole session from the middle: objects begun earlier are not ours
                                    throw TapeFormatException.At(volume.Barcode, blockNumber, $"object {h.ObjectId} continues here (record {h.Sequence}) but its start was not read");
                                }
                                var objectName = names.GetValueOrDefault(h.ObjectId, h.ObjectId.ToString());
                                states[h.ObjectId] = state = new ObjectState(h.ObjectId, objectName, sinkFor(h.ObjectId, objectName), volumeSequence, blockNumber);
                            }
                            if (h.Sequence != state.NextSequence)
                                throw TapeFormatException.At(volume.Barcode, blockNumber, $"object {state.Name}: record {h.Sequence} where {state.NextSequence} was expected (records lost or repeated)");
                            if (state.DataEnded)
                                throw TapeFormatException.At(volume.Barcode, blockNumber, $"object {state.Name}: data record {h.Sequence} after the record flagged End");
                            if (h.Sequence > 0 && h.Flags.HasFlag(TapeRecordFlags.Start))
                                throw TapeFormatException.At(volume.Barcode, blockNumber, $"object {state.Name}: record {h.Sequence} is flagged Start");
                            var data = reader.Data(record);
                            state.Sha.AppendData(data);
                            state.Sink?.Write(data);
                            state.Length += data.Length;
                            state.NextSequence++;
                            state.DataEnded = h.Flags.HasFlag(TapeRecordFlags.End);
                            bytes += data.Length;
                            break;
                        }
                        case TapeRecordType.ObjectEnd:
                        {
                            if (!states.TryGetValue(h.ObjectId, out var state))
                                break;
                            if (h.Sequence != state.NextSequence || !state.DataEnded)
                                throw TapeFormatException.At(volume.Barcode, blockNumber, $"object {state.Name}: its end record (sequence {h.Sequence}) comes before its last data record");
                            var (length, sha) = TapeRecordCodec.DecodeObjectEnd(reader.Data(record), volume.Barcode, blockNumber);
                            var actual = state.Sha.GetHashAndReset();
                            var hex = Convert.ToHexString(actual).ToLowerInvariant();
                            if (length != state.Length)
                                throw TapeFormatException.At(volume.Barcode, blockNumber, $"object {state.Name}: {state.Length} bytes read but its end record says {length}");
                            if (!actual.AsSpan().SequenceEqual(sha))
                                throw TapeFormatException.At(volume.Barcode, blockNumber, $"object {state.Name}: SHA-256 of the bytes read is {hex}, its end record says {Convert.ToHexString(sha).ToLowerInvariant()}");
                            state.Sink?.Complete(length, hex);
                            states.Remove(h.ObjectId);
                            results.Add(new RestoredObject(state.Id, state.Name, length, hex, true, state.FirstVolume, state.FirstBlock, volumeSequence, blockNumber, session!.Value));
                            if (wanted is not null && results.Count(r => r.Complete) == wanted.Count)
                                return results;
                            break;
                        }
                        case TapeRecordType.SessionEnd:
                            TapeRecordCodec.DecodeSessionEnd(reader.Data(record), volume.Barcode, blockNumber);
                            FinishIncomplete(states, results, volume.Barcode, blockNumber, "the session ended before the object did");
                            return results;
                        case TapeRecordType.EndOfVolume:
                        {
                            var eov = TapeRecordCodec.DecodeJson<EndOfVolumeDescriptor>(reader.Data(record), volume.Barcode, blockNumber, h.Type);
                            if (eov.VolumeSequence != volumeSequence)
                                throw TapeFormatException.At(volume.Barcode, blockNumber, $"EndOfVolume names volume sequence {eov.VolumeSequence}; this is volume {volumeSequence} of the stream");
                            volumes.Dismount(volume);
                            volumeSequence++;
                            var next = volumes.Mount(volumeSequence);
                            if (next is null)
                            {
                                foreach (var s in states.Values)
                                    results.Add(new RestoredObject(s.Id, s.Name, s.Length, "", false, s.FirstVolume, s.FirstBlock, volumeSequence - 1, blockNumber, session!.Value,
                                        $"continues on volume {volumeSequence} of the stream, which was not given"));
                                foreach (var s in states.Values)
                                    s.Sink?.Abort(new ClusterBackupException(ErrorKind.ObjectNotFound, s.Name, $"Object {s.Name} continues on a volume that was not given."));
                                volume = null!;
                                return results;
                            }
                            volume = next;
                            reader = OpenVolume(volume, session, null);
                            goto nextBlock;
                        }
                        default:
                            throw TapeFormatException.At(volume.Barcode, blockNumber, $"a {h.Type} record inside a session");
                    }
                }
                nextBlock:
                progress?.Invoke(bytes);
                bytes = 0;
            }
        }
        catch (Exception ex)
        {
            foreach (var s in states.Values)
                s.Sink?.Abort(ex);
            throw;
        }
        finally
        {
            if (volume is not null)
                volumes.Dismount(volume);
        }
    }

    private static void FinishIncomplete(Dictionary<Guid, ObjectState> states, List<RestoredObject> results, string barcode, long block, string why)
    {
        foreach (var s in states.Values)
        {
            var error = TapeFormatException.At(barcode, block, $"object {s.Name} is incomplete: {why}");
            s.Sink?.Abort(error);
            results.Add(new RestoredObject(s.Id, s.Name, s.Length, "", false, s.FirstVolume, s.FirstBlock, -1, block, Guid.Empty, error.Message));
        }
        states.Clear();
    }

    /// <summary>Reads the label and positions at the stream's blocks on this volume (from the catalog, or by finding the session on the tape).</summary>
    private static TapeVolumeReader OpenVolume(ReadVolume volume, Guid? session, long? block)
    {
        var reader = new TapeVolumeReader(volume.Drive, volume.Barcode);
        reader.ReadLabel(volume.Barcode);
        if (volume.FileNumber is { } file && volume.FileFirstBlock is { } first)
        {
            reader.Seek(file, first, block ?? first);
            reader.ExpectedSession = session;
            return reader;
        }
        if (volume.FileNumber is { } onlyFile)
        {
            reader.SeekFile(onlyFile);
            reader.ExpectedSession = session;
            return reader;
        }
        if (session is null)
            return reader; // positioned at file 1, the first session on the tape
        // Find the file that holds this session: read the first block of each file.
        var fileNumber = 1;
        while (true)
        {
            var firstBlock = reader.ExpectedBlock;
            var view = reader.ReadBlock(endOfDataIsNull: true)
                ?? throw new ClusterBackupException(ErrorKind.ObjectNotFound, volume.Barcode, $"Tape {volume.Barcode} holds no part of session {session}.");
            if (view.Header.SessionId == session)
            {
                reader.Seek(fileNumber, firstBlock, firstBlock);
                reader.ExpectedSession = session;
                return reader;
            }
            // Skip to the next file and count its blocks so block numbers stay checked.
            while (reader.ReadBlock(endOfDataIsNull: true) is not null) { }
            fileNumber++;
        }
    }
}
