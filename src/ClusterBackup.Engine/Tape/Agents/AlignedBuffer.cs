using System.Buffers;
using System.Runtime.InteropServices;

namespace ClusterBackup.Engine.Tape.Agents;

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
