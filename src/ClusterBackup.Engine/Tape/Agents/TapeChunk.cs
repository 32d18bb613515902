using System.Buffers;
using System.Collections.Concurrent;
using System.Runtime.InteropServices;
using ClusterBackup.Engine.Tape.Format;

namespace ClusterBackup.Engine.Tape.Agents;

/// <summary>
/// One record (32-byte header and its data) in a pooled buffer, with the CRC32C of those bytes computed
/// once. The same chunk passes down an object's daisy chain: every agent in the chain writes these very
/// bytes (the payload is never copied per mirror); the last one to finish returns it to the pool.
/// </summary>
public sealed class TapeChunk
{
    private int _references;
    private Action<TapeChunk>? _onReleased;

    private readonly AlignedBuffer _memory;

    internal TapeChunk(int size) => _memory = new AlignedBuffer(size);

    /// <summary>The page-aligned native buffer; the record starts at offset 0.</summary>
    public Span<byte> Buffer => _memory.GetSpan();
    public int Length { get; private set; }
    public uint Crc { get; private set; }
    public TapeRecordHeader Header { get; private set; }
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
}

/// <summary>Page-aligned buffers of one size, reused so the write path does not allocate per block.</summary>
public sealed class TapeChunkPool(int bufferSize)
{
    private readonly ConcurrentBag<TapeChunk> _free = new();

    public int BufferSize => bufferSize;

    public TapeChunk Rent() => _free.TryTake(out var chunk) ? chunk : new TapeChunk(bufferSize);

    public void Return(TapeChunk chunk) => _free.Add(chunk);
}

/// <summary>
/// Native memory aligned on a 4 KiB page: never moved by the garbage collector, so the kernel can be
/// handed its address for a gathered write, and suitable for drives that want aligned transfers. Freed
/// by its finalizer when its chunk is no longer referenced.
/// </summary>
internal sealed unsafe class AlignedBuffer : MemoryManager<byte>
{
    private const int Alignment = 4096;
    private byte* _pointer;
    private readonly int _length;

    public AlignedBuffer(int length)
    {
        _length = length;
        _pointer = (byte*)NativeMemory.AlignedAlloc((nuint)length, Alignment);
        GC.AddMemoryPressure(length);
    }

    ~AlignedBuffer() => Dispose(false);

    public override Span<byte> GetSpan() => new(_pointer, _length);

    public override MemoryHandle Pin(int elementIndex = 0) => new(_pointer + elementIndex);

    public override void Unpin() { }

    protected override void Dispose(bool disposing)
    {
        if (_pointer == null)
            return;
        NativeMemory.AlignedFree(_pointer);
        _pointer = null;
        GC.RemoveMemoryPressure(_length);
    }
}
