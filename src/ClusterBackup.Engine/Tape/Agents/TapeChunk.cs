using System.Buffers;
using ClusterBackup.Engine.Tape.Format;

namespace ClusterBackup.Engine.Tape.Agents;

/// <summary>
/// One record (32-byte header and its data) in a pooled buffer, with the CRC32C of those bytes computed
/// once. The same chunk passes down an object's daisy chain: every agent in the chain writes these very
/// bytes (the payload is never copied per mirror); the last one to finish returns it to the pool. The
/// buffer belongs to the pool that created the chunk and is freed when that pool is disposed.
/// </summary>
public sealed class TapeChunk
{
    private int _references;
    private Action<TapeChunk>? _onReleased;

    private readonly AlignedBuffer _memory;

    internal TapeChunk(int size) => _memory = new AlignedBuffer(size);

    /// <summary>The page-aligned native buffer; the record starts at offset 0.</summary>
    public Span<byte> Buffer => _memory.GetSpan();

    /// <summary>The length of the sealed record (header and data), in bytes.</summary>
    public int Length { get; private set; }

    /// <summary>The CRC32C of the sealed record's bytes.</summary>
    public uint Crc { get; private set; }

    /// <summary>The header written by <see cref="Seal"/>.</summary>
    public TapeRecordHeader Header { get; private set; }

    /// <summary>The sealed record: the first <see cref="Length"/> bytes of the buffer.</summary>
    public ReadOnlyMemory<byte> Record => _memory.Memory[..Length];

    /// <summary>Writes the header before the data already in place, and computes the CRC of the whole record once.</summary>
    internal void Seal(TapeRecordHeader header)
    {
        header.Write(Buffer);
        Header = header;
        Length = header.TotalLength;
        Crc = Crc32C.Compute(Buffer[..Length]);
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

    /// <summary>Frees the native buffer; only the owning pool calls this, once nothing uses the chunk.</summary>
    internal void Free() => ((IDisposable)_memory).Dispose();
}
