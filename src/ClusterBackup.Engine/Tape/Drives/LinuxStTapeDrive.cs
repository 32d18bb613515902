using System.Runtime.InteropServices;
using ClusterBackup.Engine.Common;

namespace ClusterBackup.Engine.Tape.Drives;

/// <summary>
/// A SCSI tape drive on Linux through the st driver's no-rewind device (/dev/nstN), in variable-block
/// mode (MTSETBLK 0), so one write is one tape block of our fixed block size. Early warning follows
/// the st driver (Documentation/scsi/st.rst, "EOM behaviour when writing"): past the early-warning mark
/// a write returns -1 with ENOSPC and writes nothing, and the next write is let through so a trailer can
/// be written; so an ENOSPC is retried once, a retry that writes is "written, early warning", and a retry
/// that fails too (ENOSPC or EIO) is the end of the medium with the block not written. A read larger than
/// the drive's maximum block size is refused by st with EINVAL; the request is made smaller until it is taken.
/// Tested against the real st driver in the lab (tgt's tape emulation over iSCSI, see README "Lab tier");
/// unverified on real tape hardware.
/// </summary>
public sealed class LinuxStTapeDrive(string devicePath, ILinuxTapeSystem system) : ITapeDrive
{
    public const short MtFsf = 1, MtFsr = 3, MtWeof = 5, MtRew = 6, MtOffl = 7, MtEom = 12, MtSetBlk = 20, MtLoad = 30;
    public const int Enospc = 28, Eio = 5, Enomem = 12, Einval = 22;
    private int _fd = -1;
    // st refuses, with EINVAL and before touching the tape, a variable-block read larger than the drive's maximum
    // block size (READ BLOCK LIMITS; 1 MiB in the lab's emulated drive). The largest request it accepted is kept.
    private int _maxReadLength = int.MaxValue;
    private readonly BlockGatherBuffer _gather = new();
    private bool _earlyWarningSeen;

    public string Name => devicePath;

    public void Load()
    {
        if (_fd >= 0)
            return;
        _fd = system.Open(devicePath, out var errno);
        if (_fd < 0)
            throw Error(ErrorKind.ResourceUnavailable, "open", errno);
        Op(MtLoad, 1, "load");
        Op(MtSetBlk, 0, "set variable block mode");
        _earlyWarningSeen = false;
    }

    public void Unload()
    {
        if (_fd < 0)
            return;
        Op(MtOffl, 1, "unload");
        system.Close(_fd);
        _fd = -1;
    }

    public void Dispose()
    {
        if (_fd >= 0)
            system.Close(_fd);
        _fd = -1;
    }

    public TapeWriteOutcome WriteBlock(IReadOnlyList<ReadOnlyMemory<byte>> segments)
    {
        // write(2) on a tape device writes one block per call, so the pieces are gathered first.
        var block = _gather.Gather(segments);
        var length = block.Length;
        var written = system.Write(Fd, block, out var errno);
        if (written == length)
            return TapeWriteOutcome.Written;
        if (written < 0 && errno == Enospc)
        {
            // Nothing was written; st lets the next write through past the early-warning mark.
            _earlyWarningSeen = true;
            written = system.Write(Fd, block, out errno);
            if (written == length)
                return TapeWriteOutcome.WrittenEarlyWarning;
        }
        if (written < 0 && errno is Enospc or Eio)
            throw new TapeEndOfMediumException(devicePath, $"Tape drive {devicePath} is at the end of the medium; the block was not written (errno {errno}).");
        if (written < 0 && errno == Einval)
            throw new ClusterBackupException(ErrorKind.InvalidArgument, devicePath,
                $"Tape drive {devicePath} refuses {length}-byte blocks (EINVAL): they are larger than the drive's maximum block size. Use a smaller block size for its pool.");
        throw Error(ErrorKind.WriteError, $"write of a {length}-byte block (wrote {written})", errno);
    }

    /// <summary>The smallest read request worth retrying with: the tape format's smallest block.</summary>
    private const int MinimumReadLength = 64 * 1024;

    public void WriteFileMark() => Op(MtWeof, 1, "write file mark");

    public TapeReadResult ReadBlock(Span<byte> buffer)
    {
        var request = Math.Min(buffer.Length, _maxReadLength);
        var read = system.Read(Fd, buffer[..request], out var errno);
        while (read < 0 && errno == Einval && request > MinimumReadLength)
        {
            // Too large a request for this drive: retry with the next smaller power of two.
            request = (int)System.Numerics.BitOperations.RoundUpToPowerOf2((uint)request) / 2;
            read = system.Read(Fd, buffer[..request], out errno);
            if (read >= 0 || errno != Einval)
                _maxReadLength = request;
        }
        if (read > 0)
            return new TapeReadResult(TapeReadKind.Block, (int)read);
        if (read == 0)
        {
            // st returns 0 both after crossing a file mark (GMT_EOF) and at blank tape (GMT_EOD).
            var status = Status();
            return new TapeReadResult(!status.Has(LinuxTapeStatus.GmtEof) && status.Has(LinuxTapeStatus.GmtEod) ? TapeReadKind.EndOfData : TapeReadKind.FileMark, 0);
        }
        if (errno == Enomem)
            throw new ClusterBackupException(ErrorKind.ReadError, devicePath, $"Tape drive {devicePath}: the block is larger than the {request}-byte read buffer.");
        if (errno == Eio && Status().Has(LinuxTapeStatus.GmtEod))
            return new TapeReadResult(TapeReadKind.EndOfData, 0);
        throw Error(ErrorKind.ReadError, "read", errno);
    }

    public void SpaceFileMarks(int count) => Op(MtFsf, count, $"space over {count} file marks");
    public void SpaceBlocks(long count) => Op(MtFsr, checked((int)count), $"space over {count} blocks");
    public void Rewind() => Op(MtRew, 1, "rewind");
    public void SeekToEndOfData() => Op(MtEom, 1, "seek to end of data");

    public TapePosition Position
    {
        get
        {
            var status = Status();
            if (system.MtPos(Fd, out var logical, out var errno) < 0)
                throw Error(ErrorKind.ReadError, "MTIOCPOS", errno);
            return new TapePosition(status.FileNumber, status.BlockNumber, logical);
        }
    }

    public TapeDriveStatus GetStatus()
    {
        if (_fd < 0)
            return new TapeDriveStatus(devicePath, false, false, false, false, default);
        var s = Status();
        return new TapeDriveStatus(devicePath, s.Has(LinuxTapeStatus.GmtOnline), s.Has(LinuxTapeStatus.GmtBot), s.Has(LinuxTapeStatus.GmtEot) || _earlyWarningSeen,
            false, Position);
    }

    private int Fd => _fd >= 0 ? _fd : throw new ClusterBackupException(ErrorKind.InvalidOperation, devicePath, $"Tape drive {devicePath} is not loaded.");

    private LinuxTapeStatus Status()
    {
        if (system.MtGet(Fd, out var status, out var errno) < 0)
            throw Error(ErrorKind.ReadError, "MTIOCGET", errno);
        return status;
    }

    private void Op(short op, int count, string what)
    {
        if (system.MtOp(Fd, op, count, out var errno) < 0)
            throw Error(ErrorKind.ResourceUnavailable, what, errno);
    }

    private ClusterBackupException Error(ErrorKind kind, string what, int errno) =>
        new(kind, devicePath, $"Tape drive {devicePath}: {what} failed with errno {errno} ({Marshal.GetPInvokeErrorMessage(errno)}).");
}
