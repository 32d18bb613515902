using System.Runtime.InteropServices;

namespace ClusterBackup.Engine.Tape.Drives;

/// <summary>The real calls through libc. Unverified on real hardware.</summary>
public sealed partial class LinuxTapeSystem : ILinuxTapeSystem
{
    // x86-64 Linux: _IOW('m', 1, struct mtop), _IOR('m', 2, struct mtget), _IOR('m', 3, struct mtpos).
    private const ulong MtIocTop = 0x40086d01, MtIocGet = 0x80306d02, MtIocPos = 0x80086d03;
    private const int ORdwr = 2;

    [StructLayout(LayoutKind.Sequential)]
    private struct MtOpStruct { public short Op; public int Count; }

    [StructLayout(LayoutKind.Sequential)]
    private struct MtGetStruct { public long Type, Resid, DsReg, GStat, ErReg; public int FileNo, BlkNo; }

    [LibraryImport("libc", EntryPoint = "open", SetLastError = true, StringMarshalling = StringMarshalling.Utf8)]
    private static partial int OpenNative(string path, int flags);
    [LibraryImport("libc", EntryPoint = "close", SetLastError = true)]
    private static partial int CloseNative(int fd);
    [LibraryImport("libc", EntryPoint = "write", SetLastError = true)]
    private static unsafe partial nint WriteNative(int fd, byte* buffer, nuint count);
    [LibraryImport("libc", EntryPoint = "read", SetLastError = true)]
    private static unsafe partial nint ReadNative(int fd, byte* buffer, nuint count);
    [LibraryImport("libc", EntryPoint = "ioctl", SetLastError = true)]
    private static unsafe partial int Ioctl(int fd, ulong request, void* argument);

    public int Open(string path, out int errno) { var fd = OpenNative(path, ORdwr); errno = fd < 0 ? Marshal.GetLastPInvokeError() : 0; return fd; }
    public void Close(int fd) => CloseNative(fd);

    public unsafe long Write(int fd, ReadOnlySpan<byte> data, out int errno)
    {
        fixed (byte* p = data) { var n = WriteNative(fd, p, (nuint)data.Length); errno = n < 0 ? Marshal.GetLastPInvokeError() : 0; return n; }
    }

    public unsafe long Read(int fd, Span<byte> buffer, out int errno)
    {
        fixed (byte* p = buffer) { var n = ReadNative(fd, p, (nuint)buffer.Length); errno = n < 0 ? Marshal.GetLastPInvokeError() : 0; return n; }
    }

    public unsafe int MtOp(int fd, short op, int count, out int errno)
    {
        var argument = new MtOpStruct { Op = op, Count = count };
        var r = Ioctl(fd, MtIocTop, &argument);
        errno = r < 0 ? Marshal.GetLastPInvokeError() : 0;
        return r;
    }

    public unsafe int MtGet(int fd, out LinuxTapeStatus status, out int errno)
    {
        var argument = new MtGetStruct();
        var r = Ioctl(fd, MtIocGet, &argument);
        errno = r < 0 ? Marshal.GetLastPInvokeError() : 0;
        status = new LinuxTapeStatus(argument.GStat, argument.FileNo, argument.BlkNo);
        return r;
    }

    public unsafe int MtPos(int fd, out long block, out int errno)
    {
        long argument = 0;
        var r = Ioctl(fd, MtIocPos, &argument);
        errno = r < 0 ? Marshal.GetLastPInvokeError() : 0;
        block = argument;
        return r;
    }
}
