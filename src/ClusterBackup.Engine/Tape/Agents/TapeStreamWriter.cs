using ClusterBackup.Engine.Catalog;
using ClusterBackup.Engine.Common;
using ClusterBackup.Engine.Tape.Drives;
using ClusterBackup.Engine.Tape.Format;

namespace ClusterBackup.Engine.Tape.Agents;

/// <summary>Where an object's records landed in one tape stream: first and last (volume sequence, block).</summary>
public sealed record StreamObjectPosition(int FirstVolumeSequence, long FirstBlock, int LastVolumeSequence, long LastBlock);

/// <summary>
/// Writes one agent's tape stream of a session: full-block records straight from the shared chunk
/// (gathered with the block header, never copied), small records packed into a pending block, control
/// records, and spanning at early warning (docs/tape-format.md). Used by one thread at a time.
/// </summary>
public sealed class TapeStreamWriter
{
    private readonly IVolumeSource _volumes;
    private readonly SessionDescriptor _session;
    private readonly IOperationReporter _reporter;
    private readonly byte[] _header = GC.AllocateUninitializedArray<byte>(TapeFormat.BlockHeaderLength, pinned: true);
    private readonly byte[] _pending;
    private readonly List<Guid> _pendingObjects = new();
    private readonly List<ReadOnlyMemory<byte>> _segments = new(4);
    private readonly List<TapeStreamVolume> _finishedVolumes = new();
    private readonly Dictionary<Guid, StreamObjectPosition> _positions = new();
    private int _pendingLength;
    private MountedVolume? _volume;
    private int _volumeSequence;
    private long _nextBlock;
    private long _volumeFirstBlock;
    private long _sessionRecordSequence;

    public TapeStreamWriter(IVolumeSource volumes, int blockSize, SessionDescriptor session, IOperationReporter reporter)
    {
        TapeFormat.ValidateBlockSize(blockSize, session.Agent);
        _volumes = volumes;
        BlockSize = blockSize;
        _session = volumes.Sign(session);
        _reporter = reporter;
        _pending = GC.AllocateUninitializedArray<byte>(blockSize, pinned: true);
    }

    public int BlockSize { get; }
    public int PayloadCapacity => BlockSize - TapeFormat.BlockHeaderLength;
    public IReadOnlyList<TapeStreamVolume> Volumes => _finishedVolumes;
    public IReadOnlyDictionary<Guid, StreamObjectPosition> Positions => _positions;
    public long BlocksWritten { get; private set; }

    /// <summary>Mounts the first volume and writes SessionStart.</summary>
    public void Open()
    {
        MountVolume();
        WriteControlBlock(TapeRecordType.SessionStart, TapeRecordCodec.EncodeJson(_session with { VolumeSequence = 0 }));
    }

    /// <summary>Writes an object record. A record that fills a block goes out as it is; smaller ones are packed.</summary>
    public void Write(TapeChunk chunk)
    {
        var objectId = chunk.Header.ObjectId;
        if (chunk.Length == PayloadCapacity)
        {
            // An object's records stay in order on tape: its earlier small records go out first.
            if (_pendingObjects.Contains(objectId))
                FlushPending();
            _segments.Clear();
            _segments.Add(chunk.Record);
            NotePosition(objectId);
            WriteBlock(_segments, chunk.Length, chunk.Crc);
            return;
        }
        Append(chunk.Record.Span, objectId);
    }

    /// <summary>Flushes, writes SessionEnd and a file mark, and dismounts the volume.</summary>
    public void Close(SessionEndDescriptor end)
    {
        FlushPending();
        WriteControlBlock(TapeRecordType.SessionEnd, TapeRecordCodec.EncodeJson(end));
        FinishVolume(full: false);
    }

    /// <summary>After a failure: leaves the tape with a file mark after what was written, without SessionEnd.</summary>
    public void Abort()
    {
        if (_volume is null)
            return;
        try
        {
            FlushPending();
            FinishVolume(full: false);
        }
        catch (ClusterBackupException ex)
        {
            _reporter.Warning($"Agent {_session.Agent}: could not close tape {_volume?.Label.Barcode} after a failure: {ex.Message}");
        }
    }

    private void Append(ReadOnlySpan<byte> record, Guid objectId)
    {
        if (_pendingLength + record.Length > PayloadCapacity)
            FlushPending();
        record.CopyTo(_pending.AsSpan(TapeFormat.BlockHeaderLength + _pendingLength));
        _pendingLength += record.Length;
        if (objectId != Guid.Empty && !_pendingObjects.Contains(objectId))
            _pendingObjects.Add(objectId);
    }

    private void FlushPending()
    {
        if (_pendingLength == 0)
            return;
        foreach (var id in _pendingObjects)
            NotePosition(id);
        _pendingObjects.Clear();
        var payload = _pending.AsMemory(TapeFormat.BlockHeaderLength, _pendingLength);
        _segments.Clear();
        _segments.Add(payload);
        var length = _pendingLength;
        _pendingLength = 0;
        WriteBlock(_segments, length, Crc32C.Compute(payload.Span));
    }

    private void NotePosition(Guid objectId)
    {
        _positions[objectId] = _positions.TryGetValue(objectId, out var p)
            ? p with { LastVolumeSequence = _volumeSequence, LastBlock = _nextBlock }
            : new StreamObjectPosition(_volumeSequence, _nextBlock, _volumeSequence, _nextBlock);
    }

    private void WriteBlock(List<ReadOnlyMemory<byte>> payload, int payloadLength, uint payloadCrc, bool mayspan = true)
    {
        var volume = _volume!;
        new TapeBlockHeader(BlockSize, payloadLength, volume.Label.VolumeId, _nextBlock, _session.SessionId, payloadCrc).Write(_header);
        payload.Insert(0, _header);
        var padding = PayloadCapacity - payloadLength;
        if (padding > 0)
            payload.Add(TapeBlockBuilder.Padding(padding));
        var outcome = volume.Drive.WriteBlock(payload);
        _nextBlock++;
        BlocksWritten++;
        if (outcome == TapeWriteOutcome.WrittenEarlyWarning && mayspan)
            SpanToNextVolume();
    }

    private void WriteControlBlock(TapeRecordType type, byte[] data, bool mayspan = true)
    {
        if (data.Length + TapeFormat.RecordHeaderLength > PayloadCapacity)
            throw new ClusterBackupException(ErrorKind.InvalidArgument, _session.Agent,
                $"The {type} record of session {_session.SessionId} ({data.Length} bytes) does not fit one {BlockSize}-byte block; use fewer objects per session or a larger block size.");
        var block = new byte[PayloadCapacity];
        var header = new TapeRecordHeader(type, TapeRecordFlags.None, data.Length, Guid.Empty, _sessionRecordSequence++);
        header.Write(block);
        data.CopyTo(block, TapeFormat.RecordHeaderLength);
        var payload = block.AsMemory(0, header.TotalLength);
        var segments = new List<ReadOnlyMemory<byte>>(3) { payload };
        WriteBlock(segments, header.TotalLength, Crc32C.Compute(payload.Span), mayspan);
    }

    private void SpanToNextVolume()
    {
        var barcode = _volume!.Label.Barcode;
        var warnedAt = _nextBlock - 1;
        WriteControlBlock(TapeRecordType.EndOfVolume, TapeRecordCodec.EncodeJson(new EndOfVolumeDescriptor(_session.SessionId, _volumeSequence)), mayspan: false);
        FinishVolume(full: true);
        _volumeSequence++;
        MountVolume();
        _reporter.Verbose($"Agent {_session.Agent}: tape {barcode} reached early warning at block {warnedAt}; continuing on {_volume!.Label.Barcode}.");
        WriteControlBlock(TapeRecordType.SessionContinue, TapeRecordCodec.EncodeJson(_session with { VolumeSequence = _volumeSequence }), mayspan: false);
    }

    private void MountVolume()
    {
        _volume = _volumes.Mount(_volumeSequence);
        if (_volume.Label.BlockSize != BlockSize)
            throw new ClusterBackupException(ErrorKind.InvalidOperation, _volume.Label.Barcode,
                $"Tape {_volume.Label.Barcode} is labelled for {_volume.Label.BlockSize}-byte blocks; agent {_session.Agent} writes {BlockSize}-byte blocks.");
        _nextBlock = _volume.NextBlock;
        _volumeFirstBlock = _nextBlock;
    }

    private void FinishVolume(bool full)
    {
        var volume = _volume!;
        volume.Drive.WriteFileMark();
        _finishedVolumes.Add(new TapeStreamVolume(_volumeSequence, volume.Label.Barcode, volume.FileNumber, _volumeFirstBlock, _nextBlock - 1));
        _volume = null;
        _volumes.Dismount(volume, _nextBlock, volume.FileNumber + 1, full);
    }
}
