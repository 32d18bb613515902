using System.Buffers.Binary;
using ClusterBackup.Engine.Common;
using Microsoft.Win32.SafeHandles;

namespace ClusterBackup.Engine.Tape.Drives;

/// <summary>A virtual cartridge: a SIMH .tap file with a capacity and an early-warning zone.</summary>
public sealed record VirtualCartridge(string Barcode, string Path, long CapacityBytes, long EarlyWarningBytes);

/// <summary>
/// A tape drive whose cartridge is a file in SIMH .tap layout: each block is a u32 little-endian length,
/// the data padded to an even length, the u32 length again; a u32 0 is a file mark; 0xFFFFFFFF is end of
/// medium. A cartridge has a capacity and an early-warning zone: once the written bytes reach
/// capacity - early-warning the drive signals early warning, and a write that would pass the capacity is
/// refused with an end-of-medium error, so spanning is real and testable. Writes are gathered (pwritev),
/// so a block's header and shared payload are never concatenated in memory.
/// </summary>
public sealed class VirtualTapeDrive : ITapeDrive
{
    private const uint EndOfMediumMarker = 0xFFFFFFFF;
    private static readonly ReadOnlyMemory<byte> PadByte = new byte[1];
    private readonly byte[] _lengthPrefix = new byte[4];
    private readonly byte[] _lengthSuffix = new byte[4];
    private readonly byte[] _markBuffer = new byte[4];
    private readonly List<ReadOnlyMemory<byte>> _gather = new(8);
    private VirtualCartridge? _inserted;
    private SafeFileHandle? _handle;
    private long _offset;
    private long _endOfData;
    private long _fileLength;
    private TapePosition _position;
    private CartridgeFence? _fence;

    public VirtualTapeDrive(string name) => Name = name;

    /// <summary>
    /// Writes to the loaded cartridge for <paramref name="writer"/> only while no later holder of the library's lock has written
    /// to it (<see cref="CartridgeFence"/>): claims the cartridge now, and checks its fence before every block and file mark
    /// until the cartridge is unloaded.
    /// </summary>
    public void FenceWith(WriterLock writer, string library)
    {
        _ = Handle;
        _fence = CartridgeFence.Claim(_inserted!, library, writer);
    }

    public string Name { get; }

    /// <summary>The cartridge in the drive, loaded or not; null when empty.</summary>
    public VirtualCartridge? Cartridge => _inserted;

    /// <summary>What a library robot does: puts a cartridge into the drive (not yet loaded).</summary>
    public void Insert(VirtualCartridge cartridge)
    {
        if (_inserted is not null)
            throw new ClusterBackupException(ErrorKind.ResourceBusy, Name, $"Drive {Name} already holds cartridge {_inserted.Barcode}; unload it first.");
        _inserted = cartridge;
    }

    /// <summary>Takes the cartridge out (after <see cref="Unload"/>).</summary>
    public VirtualCartridge? Eject()
    {
        Unload();
        var c = _inserted;
        _inserted = null;
        return c;
    }

    public void Load()
    {
        if (_handle is not null)
            return;
        var cartridge = _inserted ?? throw new ClusterBackupException(ErrorKind.ResourceUnavailable, Name, $"Drive {Name} has no cartridge to load.");
        try
        {
            _handle = File.OpenHandle(cartridge.Path, FileMode.OpenOrCreate, FileAccess.ReadWrite, FileShare.Read);
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
        {
            throw new ClusterBackupException(ErrorKind.ResourceUnavailable, cartridge.Barcode, $"Cannot load cartridge {cartridge.Barcode} ({cartridge.Path}) in drive {Name}: {ex.Message}", ex);
        }
        _fileLength = RandomAccess.GetLength(_handle);
        _endOfData = EndOfValidData(_handle, _fileLength);
        Rewind();
    }

    /// <summary>
    /// Where the recorded data ends, as a real drive sees it: after the last complete record. A write interrupted by a crash (the
    /// process killed, the machine down) can leave a torn last record, a length word whose data or trailing length runs past the end of
    /// the file or disagrees with it; a tape drive never reports a block it did not finish writing, so the torn tail is not data. The
    /// next write erases it, as writing on a real tape erases what followed.
    /// </summary>
    private static long EndOfValidData(SafeFileHandle handle, long fileLength)
    {
        Span<byte> word = stackalloc byte[4];
        long offset = 0;
        while (offset < fileLength)
        {
            if (offset + 4 > fileLength || RandomAccess.Read(handle, word, offset) < 4)
                return offset;
            var length = BinaryPrimitives.ReadUInt32LittleEndian(word);
            if (length == EndOfMediumMarker)
                return offset;
            if (length == 0)
            {
                offset += 4;
                continue;
            }
            var next = offset + 4 + length + (length & 1) + 4;
            if (next > fileLength || RandomAccess.Read(handle, word, next - 4) < 4 || BinaryPrimitives.ReadUInt32LittleEndian(word) != length)
                return next >= fileLength ? offset : fileLength; // torn last record: data ends before it; damage inside the tape is left for the reader to report
            offset = next;
        }
        return offset;
    }

    /// <summary>Bytes of a torn record after the end of data (see <see cref="EndOfValidData"/>); 0 on a cleanly written cartridge.</summary>
    public long TornTailBytes => _handle is null ? 0 : _fileLength - _endOfData;

    public void Unload()
    {
        _fence = null;
        _handle?.Dispose();
        _handle = null;
    }

    public void Dispose() => Unload();

    public TapePosition Position => _position;

    private SafeFileHandle Handle => _handle ?? throw new ClusterBackupException(ErrorKind.InvalidOperation, Name, $"Drive {Name} has no loaded cartridge.");

    private string Barcode => _inserted?.Barcode ?? Name;

    public TapeWriteOutcome WriteBlock(IReadOnlyList<ReadOnlyMemory<byte>> segments)
    {
        var handle = Handle;
        // Checked before every block, not once per object: a writer whose lock was taken over writes at its own offset, which is
        // where the new holder appended, so a single unchecked block would overwrite the new holder's first block. The check is
        // one read of a file of a few dozen bytes against a block write of 64 KiB to 4 MiB.
        _fence?.Check();
        long length = 0;
        foreach (var s in segments)
            length += s.Length;
        if (length is 0 or > int.MaxValue - 2)
            throw new ClusterBackupException(ErrorKind.InvalidArgument, Barcode, $"A tape block of {length} bytes cannot be written.");
        var padded = length + (length & 1);
        var recordBytes = 8 + padded;
        if (_offset + recordBytes > _inserted!.CapacityBytes)
            throw new TapeEndOfMediumException(Barcode, $"Tape {Barcode} in drive {Name} is at end of medium ({_offset} of {_inserted.CapacityBytes} bytes used); the block was not written.");
        BinaryPrimitives.WriteUInt32LittleEndian(_lengthPrefix, (uint)length);
        BinaryPrimitives.WriteUInt32LittleEndian(_lengthSuffix, (uint)length);
        _gather.Clear();
        _gather.Add(_lengthPrefix);
        foreach (var s in segments)
            if (s.Length > 0)
                _gather.Add(s);
        if ((length & 1) != 0)
            _gather.Add(PadByte);
        _gather.Add(_lengthSuffix);
        TruncateIfBehindEndOfData(handle);
        CrashPoint.Reach("tape.block-torn", () => WriteTornRecord(handle));
        RandomAccess.Write(handle, _gather, _offset);
        _offset += recordBytes;
        _endOfData = _offset;
        _fileLength = _offset;
        _position = _position with { BlockInFile = _position.BlockInFile + 1, LogicalBlock = _position.LogicalBlock + 1 };
        // A writer held still with a block on the cartridge and more to write, as a process paused (or cut off from its lock's server) mid-session.
        PausePoint.Reach("tape.block-written");
        return InEarlyWarningZone ? TapeWriteOutcome.WrittenEarlyWarning : TapeWriteOutcome.Written;
    }

    /// <summary>For the crash point <c>tape.block-torn</c>: the first half of the gathered record reaches the file, as when a write is cut off.</summary>
    private void WriteTornRecord(SafeFileHandle handle)
    {
        var whole = new List<byte>();
        foreach (var segment in _gather)
            whole.AddRange(segment.ToArray());
        RandomAccess.Write(handle, whole.Take(whole.Count / 2).ToArray(), _offset);
        RandomAccess.FlushToDisk(handle);
    }

    public void WriteFileMark()
    {
        var handle = Handle;
        _fence?.Check();
        if (_offset + 4 > _inserted!.CapacityBytes)
            throw new TapeEndOfMediumException(Barcode, $"Tape {Barcode} in drive {Name} is at end of medium; the file mark was not written.");
        TruncateIfBehindEndOfData(handle);
        BinaryPrimitives.WriteUInt32LittleEndian(_markBuffer, 0);
        RandomAccess.Write(handle, (ReadOnlySpan<byte>)_markBuffer, _offset);
        // A file mark ends an object, as a real drive empties its buffer to the medium there: what precedes it is on disk
        // before the session that names it is catalogued.
        RandomAccess.FlushToDisk(handle);
        _offset += 4;
        _endOfData = _offset;
        _fileLength = _offset;
        _position = new TapePosition(_position.FileNumber + 1, 0, _position.LogicalBlock + 1);
    }

    public TapeReadResult ReadBlock(Span<byte> buffer)
    {
        var (kind, length) = ReadHeader(out var dataOffset);
        switch (kind)
        {
            case TapeReadKind.EndOfData:
                return new TapeReadResult(TapeReadKind.EndOfData, 0);
            case TapeReadKind.FileMark:
                _offset = dataOffset;
                _position = new TapePosition(_position.FileNumber + 1, 0, _position.LogicalBlock + 1);
                return new TapeReadResult(TapeReadKind.FileMark, 0);
        }
        if (length > buffer.Length)
            throw new ClusterBackupException(ErrorKind.ReadError, Barcode,
                $"Tape {Barcode}: the block at file {_position.FileNumber}, block {_position.BlockInFile} is {length} bytes, larger than the {buffer.Length}-byte read buffer.");
        ReadExactly(buffer[..(int)length], dataOffset);
        var padded = length + (length & 1);
        Span<byte> trailer = stackalloc byte[4];
        ReadExactly(trailer, dataOffset + padded);
        var trailing = BinaryPrimitives.ReadUInt32LittleEndian(trailer);
        if (trailing != length)
            throw new ClusterBackupException(ErrorKind.InvalidData, Barcode,
                $"Tape {Barcode}: the SIMH record at byte {_offset} has leading length {length} but trailing length {trailing}; the cartridge file is damaged.");
        _offset = dataOffset + padded + 4;
        _position = _position with { BlockInFile = _position.BlockInFile + 1, LogicalBlock = _position.LogicalBlock + 1 };
        return new TapeReadResult(TapeReadKind.Block, (int)length);
    }

    public void SpaceFileMarks(int count)
    {
        for (var passed = 0; passed < count;)
        {
            var (kind, length) = ReadHeader(out var dataOffset);
            switch (kind)
            {
                case TapeReadKind.EndOfData:
                    throw new ClusterBackupException(ErrorKind.ReadError, Barcode, $"Tape {Barcode}: end of data after {passed} of {count} file marks.");
                case TapeReadKind.FileMark:
                    _offset = dataOffset;
                    _position = new TapePosition(_position.FileNumber + 1, 0, _position.LogicalBlock + 1);
                    passed++;
                    break;
                default:
                    _offset = dataOffset + length + (length & 1) + 4;
                    _position = _position with { BlockInFile = _position.BlockInFile + 1, LogicalBlock = _position.LogicalBlock + 1 };
                    break;
            }
        }
    }

    public void SpaceBlocks(long count)
    {
        for (long i = 0; i < count; i++)
        {
            var (kind, length) = ReadHeader(out var dataOffset);
            if (kind != TapeReadKind.Block)
                throw new ClusterBackupException(ErrorKind.ReadError, Barcode, $"Tape {Barcode}: a {kind} after {i} of {count} blocks while spacing forward in file {_position.FileNumber}.");
            _offset = dataOffset + length + (length & 1) + 4;
            _position = _position with { BlockInFile = _position.BlockInFile + 1, LogicalBlock = _position.LogicalBlock + 1 };
        }
    }

    public void Rewind()
    {
        _ = Handle;
        _offset = 0;
        _position = default;
    }

    public void SeekToEndOfData()
    {
        Rewind();
        while (true)
        {
            var (kind, length) = ReadHeader(out var dataOffset);
            if (kind == TapeReadKind.EndOfData)
                return;
            if (kind == TapeReadKind.FileMark)
            {
                _offset = dataOffset;
                _position = new TapePosition(_position.FileNumber + 1, 0, _position.LogicalBlock + 1);
            }
            else
            {
                _offset = dataOffset + length + (length & 1) + 4;
                _position = _position with { BlockInFile = _position.BlockInFile + 1, LogicalBlock = _position.LogicalBlock + 1 };
            }
        }
    }

    public TapeDriveStatus GetStatus() => new(
        Name, _handle is not null, _handle is not null && _offset == 0, _handle is not null && InEarlyWarningZone,
        _handle is not null && _offset >= _inserted!.CapacityBytes, _position,
        _handle is null ? null : _offset, _inserted?.CapacityBytes);

    private bool InEarlyWarningZone => _offset >= _inserted!.CapacityBytes - _inserted.EarlyWarningBytes;

    private void TruncateIfBehindEndOfData(SafeFileHandle handle)
    {
        // Writing in the middle of a tape erases what followed, as on a real drive; so does writing at the end of data before a torn record.
        if (_fileLength > _offset)
        {
            RandomAccess.SetLength(handle, _offset);
            _endOfData = _offset;
            _fileLength = _offset;
        }
    }

    private (TapeReadKind Kind, long Length) ReadHeader(out long dataOffset)
    {
        var handle = Handle;
        dataOffset = _offset + 4;
        var fileLength = _endOfData;
        if (_offset >= fileLength)
            return (TapeReadKind.EndOfData, 0);
        Span<byte> header = stackalloc byte[4];
        if (_offset + 4 > fileLength)
            throw Truncated(fileLength);
        ReadExactly(header, _offset);
        var length = BinaryPrimitives.ReadUInt32LittleEndian(header);
        if (length == EndOfMediumMarker)
            return (TapeReadKind.EndOfData, 0);
        if (length == 0)
            return (TapeReadKind.FileMark, 0);
        if (dataOffset + length + (length & 1) + 4 > fileLength)
            throw Truncated(fileLength);
        return (TapeReadKind.Block, length);
    }

    private ClusterBackupException Truncated(long fileLength) => new(ErrorKind.InvalidData, Barcode,
        $"Tape {Barcode}: the cartridge file is truncated: the record at byte {_offset} (file {_position.FileNumber}, block {_position.BlockInFile}) runs past its end at byte {fileLength}.");

    private void ReadExactly(Span<byte> target, long offset)
    {
        var done = 0;
        while (done < target.Length)
        {
            var n = RandomAccess.Read(Handle, target[done..], offset + done);
            if (n <= 0)
                throw Truncated(_endOfData);
            done += n;
        }
    }
}
