using System.Collections.Concurrent;
using ClusterBackup.Engine.Media.Format;

namespace ClusterBackup.Engine.Media.Agents;

/// <summary>
/// One record (32-byte header and its data) in a pooled buffer, with the CRC32C of those bytes computed
/// once. The same chunk passes down an object's daisy chain: every agent in the chain writes these very
/// bytes (the payload is never copied per mirror); the last one to finish returns it to the pool.
/// </summary>
public sealed class TapeChunk
{
    private int _references;
    private Action<TapeChunk>? _onReleased;

    internal TapeChunk(byte[] buffer) => Buffer = buffer;

    /// <summary>Pinned buffer; the record starts at offset 0.</summary>
    public byte[] Buffer { get; }
    public int Length { get; private set; }
    public uint Crc { get; private set; }
    public TapeRecordHeader Header { get; private set; }
    public ReadOnlyMemory<byte> Record => Buffer.AsMemory(0, Length);

    /// <summary>Writes the header before the data already in place, and computes the CRC of the whole record once.</summary>
    internal void Seal(TapeRecordHeader header)
    {
        header.Write(Buffer);
        Header = header;
        Length = header.TotalLength;
        Crc = Crc32C.Compute(Buffer.AsSpan(0, Length));
    }

    internal void Arm(int references, Action<TapeChunk> onReleased)
    {
        _references = references;
        _onReleased = onReleased;
    }

    /// <summary>One holder is done with the chunk.</summary>
    public void Release()
    {
        if (Interlocked.Decrement(ref _references) == 0)
            _onReleased?.Invoke(this);
    }
}

/// <summary>Pinned buffers of one size, reused so the write path does not allocate per block.</summary>
public sealed class TapeChunkPool(int bufferSize)
{
    private readonly ConcurrentBag<TapeChunk> _free = new();

    public int BufferSize => bufferSize;

    public TapeChunk Rent() => _free.TryTake(out var chunk) ? chunk : new TapeChunk(GC.AllocateUninitializedArray<byte>(bufferSize, pinned: true));

    public void Return(TapeChunk chunk) => _free.Add(chunk);
}
