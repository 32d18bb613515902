using ClusterBackup.Engine.Common;

namespace ClusterBackup.Engine.Tape.Drives;

/// <summary>
/// A tape drive on Windows through the tape API on \\.\TapeN: CreateFile, WriteFile (one call, one
/// block, variable-block mode), WriteTapemark, SetTapePosition, GetTapePosition and GetTapeParameters.
/// A WriteFile that fails with ERROR_END_OF_MEDIA after writing the whole block is early warning (the block
/// is on tape); one that wrote less, or ERROR_EOM_OVERFLOW, is the end of the medium. ReadFile reports
/// ERROR_FILEMARK_DETECTED at a file mark and ERROR_NO_DATA_DETECTED at the end of data. Unverified on
/// real hardware: only the call sequence is tested, against a recording fake of the API.
/// </summary>
public sealed class WindowsTapeDrive(string devicePath, IWindowsTapeApi api) : ITapeDrive
{
    public const int TapeRewind = 0, TapeLogicalBlock = 2, TapeSpaceEndOfData = 4, TapeSpaceRelativeBlocks = 5, TapeSpaceFilemarks = 6;
    public const int TapeLoad = 0, TapeUnload = 1;
    public const int ErrorEndOfMedia = 1100, ErrorFilemarkDetected = 1101, ErrorNoDataDetected = 1104, ErrorMoreData = 234, ErrorEomOverflow = 1129;
    private nint _handle;
    private bool _open;
    private readonly BlockGatherBuffer _gather = new();
    private int _fileNumber;
    private long _blockInFile;
    private bool _earlyWarning;

    public string Name => devicePath;

    public void Load()
    {
        if (_open)
            return;
        Check(api.Open(devicePath, out _handle), "CreateFile", ErrorKind.ResourceUnavailable);
        _open = true;
        Check(api.PrepareTape(_handle, TapeLoad), "PrepareTape(TAPE_LOAD)", ErrorKind.ResourceUnavailable);
        Check(api.SetVariableBlockSize(_handle), "SetTapeParameters(block size 0)", ErrorKind.ResourceUnavailable);
        Rewind();
    }

    public void Unload()
    {
        if (!_open)
            return;
        Check(api.PrepareTape(_handle, TapeUnload), "PrepareTape(TAPE_UNLOAD)", ErrorKind.ResourceUnavailable);
        api.Close(_handle);
        _open = false;
    }

    public void Dispose()
    {
        if (_open)
            api.Close(_handle);
        _open = false;
    }

    public TapeWriteOutcome WriteBlock(IReadOnlyList<ReadOnlyMemory<byte>> segments)
    {
        var block = _gather.Gather(segments);
        var length = block.Length;
        var error = api.WriteFile(Handle, block, out var written);
        if (error == 0 && written == length)
        {
            _blockInFile++;
            return TapeWriteOutcome.Written;
        }
        if (error == ErrorEndOfMedia && written == length)
        {
            _blockInFile++;
            _earlyWarning = true;
            return TapeWriteOutcome.WrittenEarlyWarning;
        }
        if (error is ErrorEndOfMedia or ErrorEomOverflow)
            throw new TapeEndOfMediumException(devicePath, $"Tape drive {devicePath} is at the end of the medium; the block was not written (error {error}, {written} of {length} bytes).");
        throw Failure($"WriteFile of a {length}-byte block (wrote {written})", error, ErrorKind.WriteError);
    }

    public void WriteFileMark()
    {
        Check(api.WriteTapemark(Handle, 1), "WriteTapemark", ErrorKind.WriteError);
        _fileNumber++;
        _blockInFile = 0;
    }

    public TapeReadResult ReadBlock(Span<byte> buffer)
    {
        var error = api.ReadFile(Handle, buffer, out var read);
        switch (error)
        {
            case 0:
                _blockInFile++;
                return new TapeReadResult(TapeReadKind.Block, read);
            case ErrorFilemarkDetected:
                _fileNumber++;
                _blockInFile = 0;
                return new TapeReadResult(TapeReadKind.FileMark, 0);
            case ErrorNoDataDetected:
                return new TapeReadResult(TapeReadKind.EndOfData, 0);
            case ErrorMoreData:
                throw new ClusterBackupException(ErrorKind.ReadError, devicePath, $"Tape drive {devicePath}: the block is larger than the {buffer.Length}-byte read buffer.");
            default:
                throw Failure("ReadFile", error, ErrorKind.ReadError);
        }
    }

    public void SpaceFileMarks(int count)
    {
        Check(api.SetTapePosition(Handle, TapeSpaceFilemarks, count), $"SetTapePosition(TAPE_SPACE_FILEMARKS, {count})", ErrorKind.ReadError);
        _fileNumber += count;
        _blockInFile = 0;
    }

    public void SpaceBlocks(long count)
    {
        Check(api.SetTapePosition(Handle, TapeSpaceRelativeBlocks, count), $"SetTapePosition(TAPE_SPACE_RELATIVE_BLOCKS, {count})", ErrorKind.ReadError);
        _blockInFile += count;
    }

    public void Rewind()
    {
        Check(api.SetTapePosition(Handle, TapeRewind, 0), "SetTapePosition(TAPE_REWIND)", ErrorKind.ReadError);
        _fileNumber = 0;
        _blockInFile = 0;
        _earlyWarning = false;
    }

    /// <summary>Spaces to end of data and then recounts files from the start, because the API reports only a logical block.</summary>
    public void SeekToEndOfData()
    {
        Rewind();
        var probe = new byte[Format.TapeFormat.MaxBlockSize + 1];
        while (ReadBlock(probe).Kind != TapeReadKind.EndOfData) { }
    }

    public TapePosition Position
    {
        get
        {
            Check(api.GetTapePosition(Handle, out var logical), "GetTapePosition", ErrorKind.ReadError);
            return new TapePosition(_fileNumber, _blockInFile, logical);
        }
    }

    public TapeDriveStatus GetStatus()
    {
        if (!_open)
            return new TapeDriveStatus(devicePath, false, false, false, false, default);
        Check(api.GetMediaParameters(_handle, out var capacity, out var remaining, out _), "GetTapeParameters", ErrorKind.ReadError);
        var position = Position;
        return new TapeDriveStatus(devicePath, true, position.LogicalBlock == 0, _earlyWarning, remaining <= 0, position, capacity - remaining, capacity);
    }

    private nint Handle => _open ? _handle : throw new ClusterBackupException(ErrorKind.InvalidOperation, devicePath, $"Tape drive {devicePath} is not loaded.");

    private void Check(int error, string call, ErrorKind kind)
    {
        if (error != 0)
            throw Failure(call, error, kind);
    }

    private ClusterBackupException Failure(string call, int error, ErrorKind kind) =>
        new(kind, devicePath, $"Tape drive {devicePath}: {call} failed with Windows error {error}.");
}
