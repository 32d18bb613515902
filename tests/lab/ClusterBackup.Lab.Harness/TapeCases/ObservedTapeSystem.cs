using System.Runtime.InteropServices;
using ClusterBackup.Engine.Tape.Drives;

namespace ClusterBackup.Lab.Harness.TapeCases;

/// <summary>
/// The real libc calls of the Linux st provider, passed through unchanged and logged with their results, so a
/// case can show exactly what the st driver answered. <see cref="LastDescriptor"/> lets a case ask the driver for
/// its status (MTIOCGET) on the descriptor the provider holds, since st allows only one open at a time.
/// </summary>
public sealed class ObservedTapeSystem(ILinuxTapeSystem inner) : ILinuxTapeSystem
{
    private readonly List<string> _calls = [];
    private static readonly Dictionary<short, string> Ops = new()
    {
        [LinuxStTapeDrive.MtFsf] = "MTFSF", [LinuxStTapeDrive.MtFsr] = "MTFSR", [LinuxStTapeDrive.MtWeof] = "MTWEOF",
        [LinuxStTapeDrive.MtRew] = "MTREW", [LinuxStTapeDrive.MtOffl] = "MTOFFL", [LinuxStTapeDrive.MtEom] = "MTEOM",
        [LinuxStTapeDrive.MtSetBlk] = "MTSETBLK", [LinuxStTapeDrive.MtLoad] = "MTLOAD",
    };

    public int LastDescriptor { get; private set; } = -1;

    /// <summary>Consecutive writes of the same size and result are logged once with a count, so a fill stays readable.</summary>
    private string? _lastWrite;
    private int _lastWriteCount;

    public List<string> TakeCalls()
    {
        FlushWrites();
        var calls = _calls.ToList();
        _calls.Clear();
        return calls;
    }

    public int Open(string path, out int errno)
    {
        var fd = inner.Open(path, out errno);
        if (fd >= 0)
            LastDescriptor = fd;
        Log($"open {path} -> {Result(fd, errno)}");
        return fd;
    }

    public void Close(int fd)
    {
        inner.Close(fd);
        Log("close");
    }

    public long Write(int fd, ReadOnlySpan<byte> data, out int errno)
    {
        var n = inner.Write(fd, data, out errno);
        var entry = $"write {data.Length} -> {Result(n, errno)}";
        if (entry == _lastWrite)
            _lastWriteCount++;
        else
        {
            FlushWrites();
            _lastWrite = entry;
            _lastWriteCount = 1;
        }
        return n;
    }

    public long Read(int fd, Span<byte> buffer, out int errno)
    {
        var n = inner.Read(fd, buffer, out errno);
        Log($"read {buffer.Length} -> {Result(n, errno)}");
        return n;
    }

    public int MtOp(int fd, short op, int count, out int errno)
    {
        var r = inner.MtOp(fd, op, count, out errno);
        Log($"{Ops.GetValueOrDefault(op, op.ToString())} {count} -> {Result(r, errno)}");
        return r;
    }

    public int MtGet(int fd, out LinuxTapeStatus status, out int errno)
    {
        var r = inner.MtGet(fd, out status, out errno);
        Log($"MTIOCGET -> {Result(r, errno)} file {status.FileNumber} block {status.BlockNumber} gstat 0x{status.GeneralStatus:X8}");
        return r;
    }

    public int MtPos(int fd, out long block, out int errno)
    {
        var r = inner.MtPos(fd, out block, out errno);
        Log($"MTIOCPOS -> {Result(r, errno)} block {block}");
        return r;
    }

    /// <summary>The driver's status on the provider's descriptor, with the general status bits by name.</summary>
    public (LinuxTapeStatus Status, string Bits) Status()
    {
        if (MtGet(LastDescriptor, out var status, out var errno) < 0)
            throw new IOException($"MTIOCGET failed with errno {errno} ({Marshal.GetPInvokeErrorMessage(errno)})");
        var bits = new List<string>();
        if (status.Has(LinuxTapeStatus.GmtEof)) bits.Add("EOF");
        if (status.Has(LinuxTapeStatus.GmtBot)) bits.Add("BOT");
        if (status.Has(LinuxTapeStatus.GmtEot)) bits.Add("EOT");
        if (status.Has(LinuxTapeStatus.GmtEod)) bits.Add("EOD");
        if (status.Has(LinuxTapeStatus.GmtWrProt)) bits.Add("WR_PROT");
        if (status.Has(LinuxTapeStatus.GmtOnline)) bits.Add("ONLINE");
        return (status, string.Join(" ", bits));
    }

    private void FlushWrites()
    {
        if (_lastWrite is not null)
            _calls.Add(_lastWriteCount == 1 ? _lastWrite : $"{_lastWrite} (x{_lastWriteCount})");
        _lastWrite = null;
        _lastWriteCount = 0;
    }

    private void Log(string entry)
    {
        FlushWrites();
        _calls.Add(entry);
    }

    private static string Result(long value, int errno) =>
        value < 0 ? $"-1 errno {errno} ({Marshal.GetPInvokeErrorMessage(errno)})" : value.ToString();
}
