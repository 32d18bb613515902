using ClusterBackup.Engine.Common;

namespace ClusterBackup.Engine.Tape.Drives;

/// <summary>Where the head stands: file number (file marks passed since the beginning), block within that file, and logical block (blocks and file marks counted).</summary>
public readonly record struct TapePosition(int FileNumber, long BlockInFile, long LogicalBlock);

/// <summary>What a drive reports about itself and its medium.</summary>
public sealed record TapeDriveStatus(
    string Drive,
    bool MediumLoaded,
    bool AtBeginningOfMedium,
    bool EarlyWarning,
    bool EndOfMedium,
    TapePosition Position,
    long? BytesWritten = null,
    long? CapacityBytes = null);

/// <summary>What a block write left behind: written, and whether the drive now signals early warning.</summary>
public enum TapeWriteOutcome { Written, WrittenEarlyWarning }

/// <summary>What a block read found.</summary>
public enum TapeReadKind { Block, FileMark, EndOfData }

public readonly record struct TapeReadResult(TapeReadKind Kind, int Length);

/// <summary>
/// A sequential tape drive in variable-block mode: one WriteBlock is one tape block. Every
/// implementation carries the same on-tape format (docs/tape-format.md); only the transport differs.
/// Errors are <see cref="ClusterBackupException"/>s that name the drive and the medium.
/// </summary>
public interface ITapeDrive : IDisposable
{
    /// <summary>The drive's name in configuration (e.g. "drive0", "/dev/nst0", "\\.\Tape0").</summary>
    string Name { get; }

    /// <summary>Writes one block made of <paramref name="segments"/> (gathered, not concatenated, where the transport allows).</summary>
    TapeWriteOutcome WriteBlock(IReadOnlyList<ReadOnlyMemory<byte>> segments);

    void WriteFileMark();

    /// <summary>Reads the next block into <paramref name="buffer"/>; a block larger than the buffer is an error.</summary>
    TapeReadResult ReadBlock(Span<byte> buffer);

    /// <summary>Spaces forward over <paramref name="count"/> file marks, leaving the head after the last one.</summary>
    void SpaceFileMarks(int count);

    /// <summary>Spaces forward over <paramref name="count"/> blocks within the current file.</summary>
    void SpaceBlocks(long count);

    void Rewind();

    /// <summary>Positions after the last recorded block or file mark, ready to append.</summary>
    void SeekToEndOfData();

    TapePosition Position { get; }

    TapeDriveStatus GetStatus();

    void Load();

    void Unload();
}
