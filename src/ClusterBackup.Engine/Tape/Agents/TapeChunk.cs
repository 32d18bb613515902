using System.Buffers;
using System.Collections.Concurrent;
using System.Runtime.InteropServices;
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

/// <summary>
/// Page-aligned buffers of one size, reused so the write path does not allocate per block. The pool owns
/// every chunk it created, rented or free: disposing it (after every writer has finished) frees their
/// native memory.
/// </summary>
public sealed class TapeChunkPool(int bufferSize) : IDisposable
{
    private readonly ConcurrentBag<TapeChunk> _free = new();
    private readonly ConcurrentQueue<TapeChunk> _all = new();
    private int _disposed;

    /// <summary>The size of every buffer in the pool, in bytes.</summary>
    public int BufferSize => bufferSize;

    /// <summary>A free chunk, or a new one when none is free.</summary>
    public TapeChunk Rent()
    {
        ObjectDisposedException.ThrowIf(Volatile.Read(ref _disposed) != 0, this);
        if (_free.TryTake(out var chunk))
            return chunk;
        chunk = new TapeChunk(bufferSize);
        _all.Enqueue(chunk);
        return chunk;
    }

    /// <summary>Gives a chunk back for reuse.</summary>
    public void Return(TapeChunk chunk) => _free.Add(chunk);

    /// <summary>Frees the native memory of every chunk this pool created. No chunk may be in use any more.</summary>
    public void Dispose()
    {
        if (Interlocked.Exchange(ref _disposed, 1) != 0)
            return;
        while (_all.TryDequeue(out var chunk))
            chunk.Free();
        _free.Clear();
    }
}

/// <summary>
/// Native memory aligned on a 4 KiB page: never moved by the garbage collector, so the kernel can be
/// handed its address for a gathered write, and suitable for drives that want aligned transfers.
/// The memory is owned by a <see cref="SafeHandle"/> and freed by <see cref="IDisposable.Dispose"/> (its
/// pool's); this type has no finalizer, so memory handed out as <see cref="Memory{T}"/> or a span is
/// never freed behind its user's back. <see cref="Pin"/> holds a reference on the handle until the pin
/// is released. If a pool is never disposed, the handle's own finalizer frees the memory once the
/// handle itself is unreachable.
/// </summary>
internal sealed unsafe class AlignedBuffer : MemoryManager<byte>
{
    private const int Alignment = 4096;
    private readonly AlignedMemoryHandle _handle;
    private readonly int _length;

    public AlignedBuffer(int length)
    {
        _length = length;
        _handle = AlignedMemoryHandle.Allocate(length, Alignment);
    }

    private byte* Pointer
    {
        get
        {
            ObjectDisposedException.ThrowIf(_handle.IsClosed, this);
            return (byte*)_handle.DangerousGetHandle();
        }
    }

    public override Span<byte> GetSpan() => new(Pointer, _length);

    public override MemoryHandle Pin(int elementIndex = 0)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(elementIndex);
        ArgumentOutOfRangeException.ThrowIfGreaterThan(elementIndex, _length);
        var added = false;
        _handle.DangerousAddRef(ref added);
        return new MemoryHandle(Pointer + elementIndex, default, this);
    }

    public override void Unpin() => _handle.DangerousRelease();

    protected override void Dispose(bool disposing)
    {
        // Called with disposing = true only: MemoryManager<T> declares no finalizer and neither does this type.
        if (disposing)
            _handle.Dispose();
    }
}

/// <summary>Owns one block of <see cref="NativeMemory.AlignedAlloc"/> memory and frees it exactly once.</summary>
internal sealed class AlignedMemoryHandle : SafeHandle
{
    private long _length;

    private AlignedMemoryHandle() : base(IntPtr.Zero, ownsHandle: true) { }

    public override bool IsInvalid => handle == IntPtr.Zero;

    public static unsafe AlignedMemoryHandle Allocate(int length, int alignment)
    {
        var result = new AlignedMemoryHandle();
        result.SetHandle((IntPtr)NativeMemory.AlignedAlloc((nuint)length, (nuint)alignment));
        result._length = length;
        GC.AddMemoryPressure(length);
        return result;
    }

    protected override unsafe bool ReleaseHandle()
    {
        NativeMemory.AlignedFree((void*)handle);
        GC.RemoveMemoryPressure(_length);
        return true;
    }
}
