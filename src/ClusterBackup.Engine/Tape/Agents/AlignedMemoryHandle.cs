using System.Runtime.InteropServices;

namespace ClusterBackup.Engine.Tape.Agents;

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
