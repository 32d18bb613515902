namespace ClusterBackup.Engine.Tape.Drives;

/// <summary>The Linux st driver's status as MTIOCGET reports it (struct mtget), the fields this drive uses.</summary>
public readonly record struct LinuxTapeStatus(long GeneralStatus, int FileNumber, int BlockNumber)
{
    public const long GmtEof = 0x80000000, GmtBot = 0x40000000, GmtEot = 0x20000000, GmtEod = 0x08000000, GmtWrProt = 0x04000000, GmtOnline = 0x01000000;
    public bool Has(long bit) => (GeneralStatus & bit) != 0;
}

/// <summary>The operating-system calls the Linux st drive makes; a recording fake replaces them in tests.</summary>
public interface ILinuxTapeSystem
{
    /// <summary>open(2); returns the descriptor or -1 with errno.</summary>
    int Open(string path, out int errno);
    void Close(int fd);
    /// <summary>write(2): one call is one tape block in variable-block mode.</summary>
    long Write(int fd, ReadOnlySpan<byte> data, out int errno);
    /// <summary>read(2): one call reads one block; 0 at a file mark.</summary>
    long Read(int fd, Span<byte> buffer, out int errno);
    /// <summary>ioctl(fd, MTIOCTOP, {op, count}).</summary>
    int MtOp(int fd, short op, int count, out int errno);
    /// <summary>ioctl(fd, MTIOCGET, &amp;mtget).</summary>
    int MtGet(int fd, out LinuxTapeStatus status, out int errno);
    /// <summary>ioctl(fd, MTIOCPOS, &amp;mtpos): the logical block position (file marks count as blocks).</summary>
    int MtPos(int fd, out long block, out int errno);
}
