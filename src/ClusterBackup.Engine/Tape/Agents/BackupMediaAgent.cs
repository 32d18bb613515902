using ClusterBackup.Engine.Common;
using ClusterBackup.Engine.Tape.Format;

namespace ClusterBackup.Engine.Tape.Agents;

/// <summary>
/// A backup media agent: owns one drive (through its volume source), keeps one buffer per assigned
/// object, and multiplexes their records into its tape stream, round robin over the buffers that have
/// data. Each record taken is first handed down the object's chain, then written.
/// </summary>
public sealed class BackupMediaAgent
{
    private readonly WorkSignal _available = new();
    private readonly List<ObjectBuffer> _buffers = new();
    private readonly List<SessionEndObject> _ended = new();
    private int _cursor;

    public BackupMediaAgent(string name, int mirrorLevel, string pool, int blockSize, IVolumeSource volumes)
    {
        TapeFormat.ValidateBlockSize(blockSize, name);
        Name = name;
        MirrorLevel = mirrorLevel;
        Pool = pool;
        BlockSize = blockSize;
        Volumes = volumes;
    }

    public string Name { get; }
    public int MirrorLevel { get; }
    public string Pool { get; }
    public int BlockSize { get; }
    public IVolumeSource Volumes { get; }
    public Guid StreamId { get; } = Guid.NewGuid();
    public TapeStreamWriter? Writer { get; private set; }
    public IReadOnlyList<ObjectBuffer> Buffers => _buffers;
    public IReadOnlyList<SessionEndObject> EndedObjects => _ended;

    /// <summary>Adds a buffer for <paramref name="target"/>, chained to <paramref name="next"/> (or the end of the chain).</summary>
    public ObjectBuffer AddBuffer(SessionObject target, ObjectBuffer? next)
    {
        if (_buffers.Any(b => b.Object.ObjectId == target.ObjectId))
            throw new ClusterBackupException(ErrorKind.InvalidArgument, Name,
                $"Object {target.Name} would be written twice by agent {Name} (onto the same tape); a chain must pass each agent once.");
        var buffer = new ObjectBuffer(this, target, next);
        _buffers.Add(buffer);
        return buffer;
    }

    internal void Signal() => _available.Release();

    /// <summary>Writes the session: SessionStart, every record of every buffer until each object ended, SessionEnd.</summary>
    public void Run(Guid sessionId, string job, DateTimeOffset started, IOperationReporter reporter, CancellationToken token)
    {
        var descriptor = new SessionDescriptor(sessionId, job, Name, MirrorLevel, started, 0, _buffers.Select(b => b.Object).ToList());
        Writer = new TapeStreamWriter(Volumes, BlockSize, descriptor, reporter);
        try
        {
            Writer.Open();
            var open = _buffers.Count;
            while (open > 0)
            {
                _available.Wait(token);
                var buffer = NextReadyBuffer();
                buffer.TryTake(out var chunk);
                buffer.Next?.Post(chunk);
                try
                {
                    Writer.Write(chunk);
                    if (chunk.Header.Type == TapeRecordType.ObjectData)
                        CrashPoint.Reach("tape.mid-object");
                    if (chunk.Header.Type == TapeRecordType.ObjectEnd)
                    {
                        var (length, sha) = TapeRecordCodec.DecodeObjectEnd(chunk.Buffer.Slice(TapeFormat.RecordHeaderLength, chunk.Header.DataLength), Name, 0);
                        _ended.Add(new SessionEndObject(buffer.Object.ObjectId, length, Convert.ToHexString(sha).ToLowerInvariant()));
                        buffer.Ended = true;
                        open--;
                        if (MirrorLevel == 0)
                            CrashPoint.Reach("tape.after-primary-object");
                    }
                }
                finally
                {
                    chunk.Release();
                }
            }
            Writer.Close(new SessionEndDescriptor(sessionId, DateTimeOffset.UtcNow, _ended));
        }
        catch
        {
            Writer.Abort();
            throw;
        }
    }

    private ObjectBuffer NextReadyBuffer()
    {
        for (var i = 0; i < _buffers.Count; i++)
        {
            var index = (_cursor + i) % _buffers.Count;
            if (!_buffers[index].Ended && BufferHasData(_buffers[index]))
            {
                _cursor = index + 1;
                return _buffers[index];
            }
        }
        throw new InvalidOperationException($"Agent {Name} was signalled but no buffer holds data.");
    }

    private static bool BufferHasData(ObjectBuffer buffer) => buffer.PeekAny();
}
