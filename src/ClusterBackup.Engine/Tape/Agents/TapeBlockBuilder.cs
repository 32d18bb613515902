using ClusterBackup.Engine.Common;
using ClusterBackup.Engine.Tape.Drives;
using ClusterBackup.Engine.Tape.Format;

namespace ClusterBackup.Engine.Tape.Agents;

/// <summary>Builds the blocks that are not object data: the label and single control records.</summary>
public static class TapeBlockBuilder
{
    private static readonly byte[] Zeros = new byte[TapeFormat.MaxBlockSize];

    /// <summary>A zero-filled span for padding a block to its fixed size.</summary>
    public static ReadOnlyMemory<byte> Padding(int length) => Zeros.AsMemory(0, length);

    /// <summary>A whole block with the given records; used for labels and control blocks.</summary>
    public static byte[] Build(int blockSize, Guid volumeId, long blockNumber, Guid sessionId, params (TapeRecordHeader Header, byte[] Data)[] records)
    {
        var block = new byte[blockSize];
        var offset = TapeFormat.BlockHeaderLength;
        foreach (var (header, data) in records)
        {
            if (offset + header.TotalLength > blockSize)
                throw new ClusterBackupException(ErrorKind.InvalidArgument, volumeId.ToString(), $"Control records of {header.TotalLength} bytes do not fit a {blockSize}-byte block.");
            header.Write(block.AsSpan(offset));
            data.CopyTo(block, offset + TapeFormat.RecordHeaderLength);
            offset += header.TotalLength;
        }
        var payloadLength = offset - TapeFormat.BlockHeaderLength;
        new TapeBlockHeader(blockSize, payloadLength, volumeId, blockNumber, sessionId,
            Crc32C.Compute(block.AsSpan(TapeFormat.BlockHeaderLength, payloadLength))).Write(block);
        return block;
    }

    /// <summary>Writes a label at the beginning of the tape (erasing what followed) and a file mark.</summary>
    public static void WriteLabel(ITapeDrive drive, VolumeLabel label)
    {
        drive.Rewind();
        var data = TapeRecordCodec.EncodeJson(label);
        var block = Build(label.BlockSize, label.VolumeId, 0, Guid.Empty,
            (new TapeRecordHeader(TapeRecordType.VolumeLabel, TapeRecordFlags.None, data.Length, Guid.Empty, 0), data));
        drive.WriteBlock([block]);
        drive.WriteFileMark();
    }
}
