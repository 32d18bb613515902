using System.Runtime.InteropServices;
using Microsoft.Win32.SafeHandles;

namespace ClusterBackup.Engine.Tape.Drives;

/// <summary>The real Windows tape API through kernel32. Unverified on real hardware.</summary>
public sealed partial class WindowsTapeApi : IWindowsTapeApi
{
    private const uint GenericRead = 0x80000000, GenericWrite = 0x40000000, OpenExisting = 3;

    [StructLayout(LayoutKind.Sequential)]
    private struct TapeGetMediaParameters { public long Capacity, Remaining; public uint BlockSize, PartitionCount; public byte WriteProtected; }

    [LibraryImport("kernel32", EntryPoint = "CreateFileW", SetLastError = true, StringMarshalling = StringMarshalling.Utf16)]
    private static partial SafeFileHandle CreateFile(string name, uint access, uint share, nint security, uint disposition, uint flags, nint template);
    [LibraryImport("kernel32", SetLastError = true)]
    [return: MarshalAs(UnmanagedType.Bool)]
    private static unsafe partial bool WriteFile(nint handle, byte* buffer, int count, out int written, nint overlapped);
    [LibraryImport("kernel32", SetLastError = true)]
    [return: MarshalAs(UnmanagedType.Bool)]
    private static unsafe partial bool ReadFile(nint handle, byte* buffer, int count, out int read, nint overlapped);
    [LibraryImport("kernel32", SetLastError = true)]
    [return: MarshalAs(UnmanagedType.Bool)]
    private static partial bool CloseHandle(nint handle);
    [LibraryImport("kernel32", EntryPoint = "WriteTapemark")]
    private static partial int WriteTapemarkNative(nint handle, int type, int count, [MarshalAs(UnmanagedType.Bool)] bool immediate);
    [LibraryImport("kernel32", EntryPoint = "SetTapePosition")]
    private static partial int SetTapePositionNative(nint handle, int method, int partition, int low, int high, [MarshalAs(UnmanagedType.Bool)] bool immediate);
    [LibraryImport("kernel32", EntryPoint = "GetTapePosition")]
    private static partial int GetTapePositionNative(nint handle, int type, out int partition, out int low, out int high);
    [LibraryImport("kernel32", EntryPoint = "PrepareTape")]
    private static partial int PrepareTapeNative(nint handle, int operation, [MarshalAs(UnmanagedType.Bool)] bool immediate);
    [LibraryImport("kernel32", EntryPoint = "SetTapeParameters")]
    private static unsafe partial int SetTapeParametersNative(nint handle, int operation, void* information);
    [LibraryImport("kernel32", EntryPoint = "GetTapeParameters")]
    private static unsafe partial int GetTapeParametersNative(nint handle, int operation, ref int size, void* information);

    public int Open(string path, out nint handle)
    {
        var safe = CreateFile(path, GenericRead | GenericWrite, 0, 0, OpenExisting, 0, 0);
        if (safe.IsInvalid)
        {
            handle = 0;
            return Marshal.GetLastPInvokeError();
        }
        handle = safe.DangerousGetHandle();
        safe.SetHandleAsInvalid();
        return 0;
    }

    public void Close(nint handle) => CloseHandle(handle);

    public unsafe int WriteFile(nint handle, ReadOnlySpan<byte> data, out int written)
    {
        fixed (byte* p = data)
            return WriteFile(handle, p, data.Length, out written, 0) ? 0 : Marshal.GetLastPInvokeError();
    }

    public unsafe int ReadFile(nint handle, Span<byte> buffer, out int read)
    {
        fixed (byte* p = buffer)
            return ReadFile(handle, p, buffer.Length, out read, 0) ? 0 : Marshal.GetLastPInvokeError();
    }

    public int WriteTapemark(nint handle, int count) => WriteTapemarkNative(handle, 1 /* TAPE_FILEMARKS */, count, false);

    public int SetTapePosition(nint handle, int method, long offset) => SetTapePositionNative(handle, method, 0, (int)(offset & 0xFFFFFFFF), (int)(offset >> 32), false);

    public int GetTapePosition(nint handle, out long logicalBlock)
    {
        var r = GetTapePositionNative(handle, 1 /* TAPE_LOGICAL_POSITION */, out _, out var low, out var high);
        logicalBlock = ((long)high << 32) | (uint)low;
        return r;
    }

    public int PrepareTape(nint handle, int operation) => PrepareTapeNative(handle, operation, false);

    public unsafe int SetVariableBlockSize(nint handle)
    {
        uint blockSize = 0;
        return SetTapeParametersNative(handle, 0 /* SET_TAPE_MEDIA_INFORMATION */, &blockSize);
    }

    public unsafe int GetMediaParameters(nint handle, out long capacity, out long remaining, out bool writeProtected)
    {
        var parameters = new TapeGetMediaParameters();
        var size = Marshal.SizeOf<TapeGetMediaParameters>();
        var r = GetTapeParametersNative(handle, 0 /* GET_TAPE_MEDIA_INFORMATION */, ref size, &parameters);
        capacity = parameters.Capacity;
        remaining = parameters.Remaining;
        writeProtected = parameters.WriteProtected != 0;
        return r;
    }
}
