using ClusterBackup.Engine.Tape.Drives;

namespace ClusterBackup.Engine.Tape.Format;

/// <summary>One record inside a validated block.</summary>
public readonly record struct TapeRecordView(TapeRecordHeader Header, int DataOffset);

/// <summary>A validated block: its header and its records, pointing into the reader's buffer.</summary>
public sealed record TapeBlockView(TapeBlockHeader Header, IReadOnlyList<TapeRecordView> Records);

/// <summary>
/// Reads and validates the blocks of one cartridge (docs/tape-format.md): the label first, then blocks
/// checked field by field. Every error is a <see cref="TapeFormatException"/> (or a drive error) that
/// names the volume and the block; nothing is guessed.
/// </summary>
public sealed class TapeVolumeReader
{
    private readonly ITapeDrive _drive;
    // One byte more than the largest block, so an oversized block shows as one. Uninitialized: only the bytes a read
    // returned are ever looked at, and zeroing 4 MiB per volume read was most of the cost of reading a short cartridge.
    private byte[] _buffer = GC.AllocateUninitializedArray<byte>(TapeFormat.MaxBlockSize + 1);
    private readonly List<TapeRecordView> _records = new();

    public TapeVolumeReader(ITapeDrive drive, string barcode)
    {
        _drive = drive;
        Barcode = barcode;
    }

    public string Barcode { get; private set; }
    public VolumeLabel? Label { get; private set; }
    /// <summary>The block number the next block must carry; null when not known (after a file mark on an unpositioned read).</summary>
    public long ExpectedBlock { get; set; }
    /// <summary>When set, the next block's number is taken as it is (after positioning at a file whose first block is unknown).</summary>
    public bool LearnBlockNumber { get; set; }
    /// <summary>The session the next blocks must belong to; null to accept any (and learn it).</summary>
    public Guid? ExpectedSession { get; set; }
    public ReadOnlySpan<byte> Data(TapeRecordView record) => _buffer.AsSpan(record.DataOffset, record.Header.DataLength);
    public ReadOnlyMemory<byte> DataMemory(TapeRecordView record) => _buffer.AsMemory(record.DataOffset, record.Header.DataLength);
    public ITapeDrive Drive => _drive;

    /// <summary>Rewinds, reads and validates the label (block 0) and the file mark after it.</summary>
    public VolumeLabel ReadLabel(string? expectedBarcode = null)
    {
        _drive.Rewind();
        var result = _drive.ReadBlock(_buffer);
        if (result.Kind != TapeReadKind.Block)
            throw TapeFormatException.At(Barcode, 0, result.Kind == TapeReadKind.EndOfData ? "the tape is blank (no label)" : "the tape starts with a file mark instead of a label");
        var block = _buffer.AsSpan(0, result.Length);
        var header = TapeBlockHeader.Parse(block, Barcode, 0);
        if (header.BlockSize != result.Length)
            throw TapeFormatException.At(Barcode, 0, $"the label block is {result.Length} bytes but its header says {header.BlockSize}");
        CheckPayload(header, block, 0);
        if (header.BlockNumber != 0 || header.SessionId != Guid.Empty)
            throw TapeFormatException.At(Barcode, 0, "the first block is not a label block (block number 0, no session)");
        ParseRecords(header, block, 0);
        if (_records.Count != 1 || _records[0].Header.Type != TapeRecordType.VolumeLabel)
            throw TapeFormatException.At(Barcode, 0, "block 0 must hold exactly one VolumeLabel record");
        var label = TapeRecordCodec.DecodeLabel(Data(_records[0]), Barcode);
        if (label.VolumeId != header.VolumeId || label.BlockSize != header.BlockSize)
            throw TapeFormatException.At(Barcode, 0, "the label's volume id or block size disagrees with its block header");
        if (expectedBarcode is not null && !string.Equals(expectedBarcode, label.Barcode, StringComparison.OrdinalIgnoreCase))
            throw TapeFormatException.At(Barcode, 0, $"the tape is labelled {label.Barcode}, not {expectedBarcode}");
        Barcode = label.Barcode;
        Label = label;
        if (_drive.ReadBlock(_buffer).Kind != TapeReadKind.FileMark)
            throw TapeFormatException.At(Barcode, 1, "the label is not followed by a file mark");
        ExpectedBlock = 1;
        return label;
    }

    /// <summary>Positions at block <paramref name="blockNumber"/>, which lies in tape file <paramref name="fileNumber"/> that starts with block <paramref name="fileFirstBlock"/>.</summary>
    public void Seek(int fileNumber, long fileFirstBlock, long blockNumber)
    {
        _drive.Rewind();
        if (fileNumber > 0)
            _drive.SpaceFileMarks(fileNumber);
        if (blockNumber > fileFirstBlock)
            _drive.SpaceBlocks(blockNumber - fileFirstBlock);
        ExpectedBlock = blockNumber;
    }

    /// <summary>Positions at the start of tape file <paramref name="fileNumber"/>; the first block's number is learnt from it.</summary>
    public void SeekFile(int fileNumber)
    {
        _drive.Rewind();
        if (fileNumber > 0)
            _drive.SpaceFileMarks(fileNumber);
        LearnBlockNumber = true;
    }

    /// <summary>Reads the next block. Returns null at a file mark; throws at end of data or on any invalid field.</summary>
    public TapeBlockView? ReadBlock(bool endOfDataIsNull = false)
    {
        var label = Label ?? throw new InvalidOperationException("Read the label first.");
        var blockNumber = ExpectedBlock;
        var result = _drive.ReadBlock(_buffer);
        if (result.Kind == TapeReadKind.FileMark)
            return null;
        if (result.Kind == TapeReadKind.EndOfData)
        {
            if (endOfDataIsNull)
                return null;
            throw TapeFormatException.At(Barcode, blockNumber, "end of data where a block or file mark was expected (the tape ends early)");
        }
        var block = _buffer.AsSpan(0, result.Length);
        var header = TapeBlockHeader.Parse(block, Barcode, blockNumber);
        if (LearnBlockNumber)
        {
            if (header.BlockNumber < 1)
                throw TapeFormatException.At(Barcode, header.BlockNumber, "a block after the label carries block number 0");
            blockNumber = header.BlockNumber;
            LearnBlockNumber = false;
        }
        if (result.Length != label.BlockSize || header.BlockSize != label.BlockSize)
            throw TapeFormatException.At(Barcode, blockNumber, $"the block is {result.Length} bytes and says {header.BlockSize}, but the volume's block size is {label.BlockSize}");
        if (header.VolumeId != label.VolumeId)
            throw TapeFormatException.At(Barcode, blockNumber, $"the block belongs to volume {header.VolumeId}, not to this volume {label.VolumeId}");
        if (header.BlockNumber != blockNumber)
            throw TapeFormatException.At(Barcode, blockNumber, $"the block carries number {header.BlockNumber}; {blockNumber} was expected (blocks missing or out of order)");
        if (ExpectedSession is { } session && header.SessionId != session)
            throw TapeFormatException.At(Barcode, blockNumber, $"the block belongs to session {header.SessionId}, not to session {session}");
        CheckPayload(header, block, blockNumber);
        ParseRecords(header, block, blockNumber);
        ExpectedBlock = blockNumber + 1;
        return new TapeBlockView(header, _records.ToArray());
    }

    private void CheckPayload(TapeBlockHeader header, ReadOnlySpan<byte> block, long blockNumber)
    {
        if (header.PayloadLength < 0 || header.PayloadLength > block.Length - TapeFormat.BlockHeaderLength)
            throw TapeFormatException.At(Barcode, blockNumber, $"payload length {header.PayloadLength} does not fit the {block.Length}-byte block");
        var crc = Crc32C.Compute(block.Slice(TapeFormat.BlockHeaderLength, header.PayloadLength));
        if (crc != header.PayloadCrc)
            throw TapeFormatException.At(Barcode, blockNumber, $"payload checksum mismatch (stored 0x{header.PayloadCrc:X8}, computed 0x{crc:X8}): the block is damaged");
    }

    private void ParseRecords(TapeBlockHeader header, ReadOnlySpan<byte> block, long blockNumber)
    {
        _records.Clear();
        var payload = block.Slice(TapeFormat.BlockHeaderLength, header.PayloadLength);
        var offset = 0;
        while (offset < payload.Length)
        {
            var record = TapeRecordHeader.Parse(payload[offset..], Barcode, blockNumber, offset);
            _records.Add(new TapeRecordView(record, TapeFormat.BlockHeaderLength + offset + TapeFormat.RecordHeaderLength));
            offset += record.TotalLength;
        }
        if (_records.Count == 0)
            throw TapeFormatException.At(Barcode, blockNumber, "the block holds no record");
    }
}
