using ClusterBackup.Engine.Tape.Drives;
using ClusterBackup.Engine.Tape.Library;

namespace ClusterBackup.Engine.Tests.Tape;

/// <summary>A library that passes everything to another and hands out drives that count what is written through them.</summary>
internal sealed class RecordingTapeLibrary(ITapeLibrary inner) : ITapeLibrary
{
    private long _blocksWritten;

    public string Name => inner.Name;
    public List<string> Loads { get; } = [];
    public long BlocksWritten => Interlocked.Read(ref _blocksWritten);

    public IReadOnlyList<LibraryDrive> GetDrives() => inner.GetDrives();
    public LibraryDrive GetDrive(string drive) => inner.GetDrive(drive);
    public IReadOnlyList<LibraryCartridge> GetCartridges() => inner.GetCartridges();

    public ITapeDrive Load(string drive, string barcode)
    {
        lock (Loads)
            Loads.Add($"{barcode}@{drive}");
        return new CountingDrive(inner.Load(drive, barcode), this);
    }

    public void Unload(string drive) => inner.Unload(drive);

    private sealed class CountingDrive(ITapeDrive drive, RecordingTapeLibrary library) : ITapeDrive
    {
        public string Name => drive.Name;
        public TapePosition Position => drive.Position;

        public TapeWriteOutcome WriteBlock(IReadOnlyList<ReadOnlyMemory<byte>> segments)
        {
            Interlocked.Increment(ref library._blocksWritten);
            return drive.WriteBlock(segments);
        }

        public void WriteFileMark() => drive.WriteFileMark();
        public TapeReadResult ReadBlock(Span<byte> buffer) => drive.ReadBlock(buffer);
        public void SpaceFileMarks(int count) => drive.SpaceFileMarks(count);
        public void SpaceBlocks(long count) => drive.SpaceBlocks(count);
        public void Rewind() => drive.Rewind();
        public void SeekToEndOfData() => drive.SeekToEndOfData();
        public TapeDriveStatus GetStatus() => drive.GetStatus();
        public void Load() => drive.Load();
        public void Unload() => drive.Unload();
        public void Dispose() => drive.Dispose();
    }
}
