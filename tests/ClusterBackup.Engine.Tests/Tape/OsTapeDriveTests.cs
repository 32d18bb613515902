using ClusterBackup.Engine.Common;
using ClusterBackup.Engine.Tape.Agents;
using ClusterBackup.Engine.Tape.Drives;
using ClusterBackup.Engine.Tape.Format;

namespace ClusterBackup.Engine.Tests.Tape;

/// <summary>A tape in memory with an early-warning block count and a hard end, driven through recorded OS calls.</summary>
public sealed class InMemoryTape(int earlyWarningAfterBlocks, int endAfterBlocks)
{
    public List<byte[]?> Records { get; } = new(); // null = file mark
    public int Position;
    public List<string> Calls { get; } = new();

    public int DataBlocks => Records.Count(r => r is not null);

    /// <summary>The data written so far reaches the early-warning mark.</summary>
    public bool PastEarlyWarning => DataBlocks >= earlyWarningAfterBlocks;

    /// <summary>Writes at the position (erasing what followed); returns false past the hard end.</summary>
    public (bool Written, bool EarlyWarning) Write(byte[]? record)
    {
        if (record is not null && DataBlocks >= endAfterBlocks)
            return (false, true);
        Records.RemoveRange(Position, Records.Count - Position);
        Records.Add(record);
        Position++;
        return (true, record is not null && DataBlocks > earlyWarningAfterBlocks);
    }

    public void SpaceFileMarks(int count)
    {
        for (var seen = 0; seen < count; Position++)
        {
            if (Position >= Records.Count) throw new InvalidOperationException("end of data");
            if (Records[Position] is null) seen++;
        }
    }

    public int FileNumber => Records.Take(Position).Count(r => r is null);
    public int BlockInFile => Position - (Records.Take(Position).Select((r, i) => (r, i)).LastOrDefault(x => x.r is null).i + (FileNumber > 0 ? 1 : 0));
}

public sealed class FakeLinuxTapeSystem(InMemoryTape tape) : ILinuxTapeSystem
{
    private bool _letNextWriteThrough;
    private bool _afterFileMark;
    public int Open(string path, out int errno) { tape.Calls.Add($"open {path}"); errno = 0; return 7; }
    public void Close(int fd) => tape.Calls.Add("close");

    public long Write(int fd, ReadOnlySpan<byte> data, out int errno)
    {
        tape.Calls.Add($"write {data.Length}");
        errno = 0;
        // As the st driver does (st.rst, and as the lab saw against the real driver): past the early-warning mark
        // every other write returns -1 ENOSPC and writes nothing; the one after it writes, until the hard end.
        if (tape.PastEarlyWarning && !_letNextWriteThrough) { _letNextWriteThrough = true; errno = LinuxStTapeDrive.Enospc; return -1; }
        _letNextWriteThrough = false;
        var (written, _) = tape.Write(data.ToArray());
        if (!written) { errno = LinuxStTapeDrive.Enospc; return -1; }
        return data.Length;
    }

    public long Read(int fd, Span<byte> buffer, out int errno)
    {
        tape.Calls.Add("read");
        errno = 0;
        _afterFileMark = false;
        if (tape.Position >= tape.Records.Count) { errno = LinuxStTapeDrive.Eio; return -1; }
        var record = tape.Records[tape.Position++];
        if (record is null) { _afterFileMark = true; return 0; }
        if (record.Length > buffer.Length) { errno = LinuxStTapeDrive.Enomem; return -1; }
        record.CopyTo(buffer);
        return record.Length;
    }

    public int MtOp(int fd, short op, int count, out int errno)
    {
        tape.Calls.Add($"MTIOCTOP {op} {count}");
        errno = 0;
        switch (op)
        {
            case LinuxStTapeDrive.MtRew: tape.Position = 0; break;
            case LinuxStTapeDrive.MtWeof: for (var i = 0; i < count; i++) tape.Write(null); break;
            case LinuxStTapeDrive.MtFsf: tape.SpaceFileMarks(count); break;
            case LinuxStTapeDrive.MtFsr: tape.Position += count; break;
            case LinuxStTapeDrive.MtEom: tape.Position = tape.Records.Count; break;
        }
        return 0;
    }

    public int MtGet(int fd, out LinuxTapeStatus status, out int errno)
    {
        tape.Calls.Add("MTIOCGET");
        errno = 0;
        var gstat = LinuxTapeStatus.GmtOnline | (_afterFileMark ? LinuxTapeStatus.GmtEof : 0) | (tape.Position >= tape.Records.Count ? LinuxTapeStatus.GmtEod : 0) | (tape.Position == 0 ? LinuxTapeStatus.GmtBot : 0);
        status = new LinuxTapeStatus(gstat, tape.FileNumber, tape.BlockInFile);
        return 0;
    }

    public int MtPos(int fd, out long block, out int errno) { tape.Calls.Add("MTIOCPOS"); errno = 0; block = tape.Position; return 0; }
}

public sealed class FakeWindowsTapeApi(InMemoryTape tape) : IWindowsTapeApi
{
    private bool _warned;
    public int Open(string path, out nint handle) { tape.Calls.Add($"CreateFile {path}"); handle = 42; return 0; }
    public void Close(nint handle) => tape.Calls.Add("CloseHandle");

    public int WriteFile(nint handle, ReadOnlySpan<byte> data, out int written)
    {
        tape.Calls.Add($"WriteFile {data.Length}");
        var (ok, early) = tape.Write(data.ToArray());
        written = ok ? data.Length : 0;
        if (!ok) return WindowsTapeDrive.ErrorEndOfMedia;
        if (early && !_warned) { _warned = true; return WindowsTapeDrive.ErrorEndOfMedia; }
        return 0;
    }

    public int ReadFile(nint handle, Span<byte> buffer, out int read)
    {
        tape.Calls.Add("ReadFile");
        read = 0;
        if (tape.Position >= tape.Records.Count) return WindowsTapeDrive.ErrorNoDataDetected;
        var record = tape.Records[tape.Position++];
        if (record is null) return WindowsTapeDrive.ErrorFilemarkDetected;
        if (record.Length > buffer.Length) return WindowsTapeDrive.ErrorMoreData;
        record.CopyTo(buffer);
        read = record.Length;
        return 0;
    }

    public int WriteTapemark(nint handle, int count) { tape.Calls.Add($"WriteTapemark {count}"); for (var i = 0; i < count; i++) tape.Write(null); return 0; }

    public int SetTapePosition(nint handle, int method, long offset)
    {
        tape.Calls.Add($"SetTapePosition {method} {offset}");
        switch (method)
        {
            case WindowsTapeDrive.TapeRewind: tape.Position = 0; break;
            case WindowsTapeDrive.TapeSpaceFilemarks: tape.SpaceFileMarks((int)offset); break;
            case WindowsTapeDrive.TapeSpaceRelativeBlocks: tape.Position += (int)offset; break;
        }
        return 0;
    }

    public int GetTapePosition(nint handle, out long logicalBlock) { tape.Calls.Add("GetTapePosition"); logicalBlock = tape.Position; return 0; }
    public int PrepareTape(nint handle, int operation) { tape.Calls.Add($"PrepareTape {operation}"); return 0; }
    public int SetVariableBlockSize(nint handle) { tape.Calls.Add("SetTapeParameters 0"); return 0; }
    public int GetMediaParameters(nint handle, out long capacity, out long remaining, out bool writeProtected)
    {
        capacity = 1 << 30; remaining = 1 << 29; writeProtected = false; return 0;
    }
}

public class OsTapeDriveTests
{
    private sealed class OneVolume(ITapeDrive drive) : IVolumeSource, IReadVolumeSource
    {
        public VolumeLabel? Label;

        public MountedVolume Mount(int volumeSequence)
        {
            drive.Load();
            Label = new VolumeLabel(TapeFormat.Version, "HW0001", "Daily", Guid.NewGuid(), 64 * 1024, DateTimeOffset.UtcNow);
            TapeBlockBuilder.WriteLabel(drive, Label);
            var p = drive.Position;
            return new MountedVolume(drive, Label, p.LogicalBlock - p.FileNumber, p.FileNumber);
        }

        public void Dismount(MountedVolume volume, long nextBlock, int nextFile, bool full) { }
        ReadVolume? IReadVolumeSource.Mount(int volumeSequence) => volumeSequence == 0 ? new ReadVolume(drive, "HW0001", 1, 1) : null;
        public void Dismount(ReadVolume volume) { }
    }

    public static TheoryData<string> Kinds => new() { "linux", "windows" };

    private static ITapeDrive Drive(string kind, InMemoryTape tape) => kind == "linux"
        ? new LinuxStTapeDrive("/dev/nst0", new FakeLinuxTapeSystem(tape))
        : new WindowsTapeDrive(@"\\.\Tape0", new FakeWindowsTapeApi(tape));

    [Theory]
    [MemberData(nameof(Kinds))]
    public void AMultiplexedSessionWritesAndRestoresThroughTheOsCalls(string kind)
    {
        using var kit = new TapeTestKit(drives: 1, cartridges: 0);
        var tape = new InMemoryTape(1000, 2000);
        var volume = new OneVolume(Drive(kind, tape));
        var agent = new BackupMediaAgent("A1", 0, "Daily", 64 * 1024, volume);
        var objects = Enumerable.Range(0, 3).Select(i => new ChainedObject(new FileObjectSource(kit.SourceFile($"h{i}", 90_000 * (i + 1), i), $"h{i}"), [agent])).ToList();
        var result = TapeWriteSession.Run("hw", objects, NullOperationReporter.Instance, CancellationToken.None);
        objects.ForEach(o => o.Source.Dispose());
        Assert.Null(result.Error);

        var restored = new RestoreMediaAgent("R", volume).Read(new RestoreStart(0, null, null), null, (_, _) => new NullObjectSink(), CancellationToken.None);
        Assert.Equal(3, restored.Count(r => r.Complete));
        Assert.Equal(result.Objects.Select(o => o.Sha256).Order(), restored.Select(r => r.Sha256).Order());
        Assert.All(tape.Records.Where(r => r is not null), r => Assert.Equal(64 * 1024, r!.Length));
    }

    [Fact]
    public void LinuxCallSequenceFollowsTheStDriver()
    {
        var tape = new InMemoryTape(earlyWarningAfterBlocks: 2, endAfterBlocks: 3);
        var drive = new LinuxStTapeDrive("/dev/nst0", new FakeLinuxTapeSystem(tape));
        drive.Load();
        Assert.Equal(["open /dev/nst0", "MTIOCTOP 30 1", "MTIOCTOP 20 0"], tape.Calls);
        var block = new byte[100];
        Assert.Equal(TapeWriteOutcome.Written, drive.WriteBlock([block.AsMemory(0, 40), block.AsMemory(40)]));
        Assert.Equal("write 100", tape.Calls[^1]);
        Assert.Equal(TapeWriteOutcome.Written, drive.WriteBlock([block]));
        Assert.Equal(TapeWriteOutcome.WrittenEarlyWarning, drive.WriteBlock([block]));   // ENOSPC at early warning, the retry writes
        Assert.Equal(["write 100", "write 100"], tape.Calls[^2..]);
        Assert.Throws<TapeEndOfMediumException>(() => drive.WriteBlock([block]));      // ENOSPC, and the retry too: end of medium
        drive.WriteFileMark();
        Assert.Equal("MTIOCTOP 5 1", tape.Calls[^1]);
        drive.Rewind();
        drive.SpaceFileMarks(0 + 1 - 1);
        drive.SpaceBlocks(2);
        Assert.Equal(["MTIOCTOP 6 1", "MTIOCTOP 1 0", "MTIOCTOP 3 2"], tape.Calls[^3..]);
        var buffer = new byte[200];
        Assert.Equal(TapeReadKind.Block, drive.ReadBlock(buffer).Kind);
        Assert.Equal(TapeReadKind.FileMark, drive.ReadBlock(buffer).Kind);
        Assert.Equal(TapeReadKind.EndOfData, drive.ReadBlock(buffer).Kind);
        Assert.Throws<ClusterBackupException>(() => { drive.Rewind(); drive.ReadBlock(new byte[10]); });
        drive.Unload();
        Assert.Equal(["MTIOCTOP 7 1", "close"], tape.Calls[^2..]);
    }

    [Fact]
    public void WindowsCallSequenceFollowsTheTapeApi()
    {
        var tape = new InMemoryTape(earlyWarningAfterBlocks: 1, endAfterBlocks: 2);
        var drive = new WindowsTapeDrive(@"\\.\Tape0", new FakeWindowsTapeApi(tape));
        drive.Load();
        Assert.Equal([@"CreateFile \\.\Tape0", "PrepareTape 0", "SetTapeParameters 0", "SetTapePosition 0 0"], tape.Calls);
        var block = new byte[64];
        Assert.Equal(TapeWriteOutcome.Written, drive.WriteBlock([block]));
        Assert.Equal(TapeWriteOutcome.WrittenEarlyWarning, drive.WriteBlock([block]));  // ERROR_END_OF_MEDIA, all bytes written
        Assert.Throws<TapeEndOfMediumException>(() => drive.WriteBlock([block]));      // nothing written: end of medium
        drive.WriteFileMark();
        Assert.Equal("WriteTapemark 1", tape.Calls[^1]);
        drive.Rewind();
        drive.SpaceBlocks(1);
        Assert.Equal("SetTapePosition 5 1", tape.Calls[^1]);
        var buffer = new byte[100];
        Assert.Equal(TapeReadKind.Block, drive.ReadBlock(buffer).Kind);
        Assert.Equal(TapeReadKind.FileMark, drive.ReadBlock(buffer).Kind);
        Assert.Equal(TapeReadKind.EndOfData, drive.ReadBlock(buffer).Kind);
        Assert.Equal(new TapePosition(1, 0, 3), drive.Position);
        drive.Unload();
        Assert.Equal(["PrepareTape 1", "CloseHandle"], tape.Calls[^2..]);
    }
}
