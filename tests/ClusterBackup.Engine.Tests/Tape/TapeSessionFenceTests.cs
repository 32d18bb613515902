using System.Buffers.Binary;
using System.Text;
using ClusterBackup.Engine.Common;
using ClusterBackup.Engine.Tape.Agents;
using ClusterBackup.Engine.Tape.Drives;
using ClusterBackup.Engine.Tape.Format;
using ClusterBackup.Engine.Tape.Library;

namespace ClusterBackup.Engine.Tests.Tape;

/// <summary>
/// The fence of a cartridge in a real drive: the writer's fencing token in every session header, and the check of the last session's
/// header before a writer appends (<see cref="TapeSessionFence"/>), through the volume allocator a tape backup uses and the Linux st
/// drive over recorded OS calls. A test double only (<see cref="FakeLinuxTapeSystem"/>, an in-memory tape): no real st device or changer
/// runs here; the lab tier drives a real one.
/// </summary>
public sealed class TapeSessionFenceTests
{
    private const int BlockSize = 64 * 1024;

    /// <summary>A changer of one drive whose cartridges are in-memory tapes read and written through a Linux st drive (a test double).</summary>
    private sealed class StChanger : ITapeLibrary
    {
        public Dictionary<string, InMemoryTape> Tapes { get; } = new(StringComparer.OrdinalIgnoreCase) { ["HW0001"] = new InMemoryTape(100_000, 200_000) };
        public string Name => "changer1";
        public IReadOnlyList<LibraryDrive> GetDrives() => [new LibraryDrive("drive0", null)];
        public LibraryDrive GetDrive(string drive) => GetDrives()[0];
        public IReadOnlyList<LibraryCartridge> GetCartridges() =>
            Tapes.Select(t => new LibraryCartridge(t.Key, CartridgeLocation.Slot, 1, null, 1L << 30, 1L << 20, t.Value.Records.Count == 0 ? 0 : -1)).ToList();

        public ITapeDrive Load(string drive, string barcode)
        {
            var tape = new LinuxStTapeDrive("/dev/nst0", new FakeLinuxTapeSystem(Tapes[barcode]));
            tape.Load();
            return tape;
        }

        public void Unload(string drive) { }
    }

    private sealed class Kit : IDisposable
    {
        public TapeTestKit Tape { get; } = new(drives: 1, cartridges: 0);
        public StChanger Changer { get; } = new();
        public InMemoryTape Cartridge => Changer.Tapes["HW0001"];
        public string LockPath => Tape.Directory.Combine("locks", "tape-changer1.lock");

        /// <summary>The library's writer lock, taken with token <paramref name="token"/>.</summary>
        public WriterLock Lock(long token)
        {
            Directory.CreateDirectory(Path.GetDirectoryName(LockPath)!);
            File.WriteAllText(WriterLock.TokenPath(LockPath), (token - 1).ToString(System.Globalization.CultureInfo.InvariantCulture));
            var taken = WriterLock.Acquire(LockPath, "tape library changer1", "tape backup (test)", TimeSpan.Zero);
            Assert.Equal(token, taken.Token);
            return taken;
        }

        public TapeWriteResult Write(WriterLock? writer, int seed, RecordingReporter? reporter = null)
        {
            var allocator = new VolumeAllocator(Changer, Tape.Catalog, reporter ?? new RecordingReporter(), writer);
            var agent = new BackupMediaAgent("A1", 0, "Daily", BlockSize, allocator.For("drive0", "Daily", BlockSize));
            var objects = Enumerable.Range(0, 2).Select(i => new ChainedObject(new FileObjectSource(Tape.SourceFile($"s{seed}_{i}", 80_000 + i * 1000, seed + i), $"s{seed}_{i}"), [agent])).ToList();
            var result = TapeWriteSession.Run("fence", objects, NullOperationReporter.Instance, CancellationToken.None);
            objects.ForEach(o => o.Source.Dispose());
            return result;
        }

        /// <summary>The SessionStart of each session on the cartridge, read back through the st drive.</summary>
        public List<SessionDescriptor> Sessions()
        {
            using var drive = Changer.Load("drive0", "HW0001");
            var reader = new TapeVolumeReader(drive, "HW0001");
            reader.ReadLabel("HW0001");
            var sessions = new List<SessionDescriptor>();
            for (var file = 1; file < Cartridge.Records.Count(r => r is null); file++)
            {
                reader.SeekFile(file);
                var block = reader.ReadBlock()!;
                sessions.Add(TapeRecordCodec.DecodeSession(reader.Data(block.Records[0]), "HW0001", block.Header.BlockNumber, block.Records[0].Header.Type));
            }
            return sessions;
        }

        public void Dispose() => Tape.Dispose();
    }

    [Fact]
    public void EverySessionHeaderCarriesTheWritersTokenLibraryAndHolder()
    {
        using var kit = new Kit();
        using (var writer = kit.Lock(5))
            Assert.Null(kit.Write(writer, 1).Error);
        var session = Assert.Single(kit.Sessions());
        Assert.Equal(5, session.WriterToken);
        Assert.Equal("changer1", session.WriterLibrary);
        Assert.Contains($"process {Environment.ProcessId}", session.WriterHolder);
    }

    [Fact]
    public void AWriterAppendingAfterASessionWithAHigherTokenIsRefusedAndWritesNothing()
    {
        using var kit = new Kit();
        string holder;
        using (var writer = kit.Lock(5))
        {
            holder = writer.Holder;
            Assert.Null(kit.Write(writer, 1).Error);
        }
        var recorded = kit.Cartridge.Records.Count;
        var calls = kit.Cartridge.Calls.Count;

        // A writer whose lock was taken over by the one above holds a lower token.
        using (var fenced = kit.Lock(3))
        {
            var error = Assert.IsType<ClusterBackupException>(kit.Write(fenced, 2).Error);
            Assert.Equal(ErrorKind.ResourceBusy, error.Kind);
            Assert.Equal("WriterFenced", error.Cause);
            Assert.Contains("tape HW0001 of tape library changer1", error.Message, StringComparison.OrdinalIgnoreCase);
            Assert.Contains("fencing token 5", error.Message);
            Assert.Contains("this writer's token 3", error.Message);
            Assert.Contains(holder, error.Message);
        }
        Assert.Equal(recorded, kit.Cartridge.Records.Count);
        Assert.DoesNotContain(kit.Cartridge.Calls.Skip(calls), c => c.StartsWith("write", StringComparison.Ordinal) || c.StartsWith($"MTIOCTOP {LinuxStTapeDrive.MtWeof} ", StringComparison.Ordinal));

        // The next holder, with a higher token, appends after it.
        using (var next = kit.Lock(6))
            Assert.Null(kit.Write(next, 3).Error);
        Assert.Equal([5L, 6L], kit.Sessions().Select(s => s.WriterToken));
    }

    [Fact]
    public void AnInterruptedSessionWithAHigherTokenIsNotClosedByAFencedWriter()
    {
        using var kit = new Kit();
        using (var writer = kit.Lock(5))
            Assert.Null(kit.Write(writer, 1).Error);
        // As a session cut off before its file mark: the last file mark goes.
        Assert.Null(kit.Cartridge.Records[^1]);
        kit.Cartridge.Records.RemoveAt(kit.Cartridge.Records.Count - 1);
        var recorded = kit.Cartridge.Records.Count;
        var calls = kit.Cartridge.Calls.Count;

        using (var fenced = kit.Lock(4))
            Assert.Equal("WriterFenced", Assert.IsType<ClusterBackupException>(kit.Write(fenced, 2).Error).Cause);
        Assert.Equal(recorded, kit.Cartridge.Records.Count);
        Assert.DoesNotContain(kit.Cartridge.Calls.Skip(calls), c => c.StartsWith("write", StringComparison.Ordinal) || c.StartsWith($"MTIOCTOP {LinuxStTapeDrive.MtWeof} ", StringComparison.Ordinal));
    }

    [Fact]
    public void SessionsWithoutATokenOrOfAnotherLibraryTakeAppendsFromAnyWriter()
    {
        using var kit = new Kit();
        Assert.Null(kit.Write(writer: null, 1).Error);
        Assert.Equal(0, Assert.Single(kit.Sessions()).WriterToken);
        using (var writer = kit.Lock(1))
            Assert.Null(kit.Write(writer, 2).Error);

        // A cartridge moved in from another library carries that library's tokens, counted elsewhere: they are not compared.
        using (var other = kit.Lock(9))
        {
            var allocator = new VolumeAllocator(new RenamedLibrary(kit.Changer, "changer2"), kit.Tape.Catalog, new RecordingReporter(), other);
            var agent = new BackupMediaAgent("A1", 0, "Daily", BlockSize, allocator.For("drive0", "Daily", BlockSize));
            using var source = new FileObjectSource(kit.Tape.SourceFile("moved", 70_000, 7), "moved");
            Assert.Null(TapeWriteSession.Run("fence", [new ChainedObject(source, [agent])], NullOperationReporter.Instance, CancellationToken.None).Error);
        }
        using (var writer = kit.Lock(2))
            Assert.Null(kit.Write(writer, 3).Error);
        Assert.Equal([0L, 1L, 9L, 2L], kit.Sessions().Select(s => s.WriterToken));
    }

    [Fact]
    public void AnUnreadableLastSessionHeaderIsReportedAndDoesNotStopTheAppend()
    {
        using var kit = new Kit();
        using (var writer = kit.Lock(5))
            Assert.Null(kit.Write(writer, 1).Error);
        var start = kit.Cartridge.Records.FindIndex(r => r is null) + 1;
        kit.Cartridge.Records[start]![TapeFormat.BlockHeaderLength + 40] ^= 0xFF; // the SessionStart payload: its checksum no longer matches

        var reporter = new RecordingReporter();
        using (var writer = kit.Lock(3))
            Assert.Null(kit.Write(writer, 2, reporter).Error);
        Assert.Contains(reporter.Warnings, w => w.Contains("the header of its last session (tape file 1) cannot be read", StringComparison.Ordinal));
    }

    [Fact]
    public void Version1BlocksLabelsAndSessionHeadersWithoutATokenStillRead()
    {
        var block = new byte[BlockSize];
        new TapeBlockHeader(BlockSize, 0, Guid.NewGuid(), 3, Guid.NewGuid(), Crc32C.Compute([])).Write(block);
        BinaryPrimitives.WriteUInt16LittleEndian(block.AsSpan(4), 1);
        BinaryPrimitives.WriteUInt32LittleEndian(block.AsSpan(60), Crc32C.Compute(block.AsSpan(0, 60)));
        Assert.Equal(3, TapeBlockHeader.Parse(block, "OLD001", 3).BlockNumber);

        BinaryPrimitives.WriteUInt16LittleEndian(block.AsSpan(4), TapeFormat.Version + 1);
        BinaryPrimitives.WriteUInt32LittleEndian(block.AsSpan(60), Crc32C.Compute(block.AsSpan(0, 60)));
        var refused = Assert.Throws<TapeFormatException>(() => TapeBlockHeader.Parse(block, "NEW001", 3));
        Assert.Contains($"format version {TapeFormat.Version + 1} is not supported (this reader knows versions 1 to {TapeFormat.Version})", refused.Message);

        var label = TapeRecordCodec.DecodeLabel(Encoding.UTF8.GetBytes(
            $"{{\"FormatVersion\":1,\"Barcode\":\"OLD001\",\"Pool\":\"Daily\",\"VolumeId\":\"{Guid.NewGuid()}\",\"BlockSize\":65536,\"Created\":\"2026-01-01T00:00:00Z\"}}"), "OLD001");
        Assert.Equal(1, label.FormatVersion);

        var session = TapeRecordCodec.DecodeSession(Encoding.UTF8.GetBytes(
            $"{{\"SessionId\":\"{Guid.NewGuid()}\",\"Job\":\"j\",\"Agent\":\"A1\",\"MirrorLevel\":0,\"Started\":\"2026-01-01T00:00:00Z\",\"VolumeSequence\":0,\"Objects\":[]}}"),
            "OLD001", 1, TapeRecordType.SessionStart);
        Assert.Equal(0, session.WriterToken);
        Assert.Null(session.WriterLibrary);
    }

    private sealed class RenamedLibrary(ITapeLibrary inner, string name) : ITapeLibrary
    {
        public string Name => name;
        public IReadOnlyList<LibraryDrive> GetDrives() => inner.GetDrives();
        public LibraryDrive GetDrive(string drive) => inner.GetDrive(drive);
        public IReadOnlyList<LibraryCartridge> GetCartridges() => inner.GetCartridges();
        public ITapeDrive Load(string drive, string barcode) => inner.Load(drive, barcode);
        public void Unload(string drive) => inner.Unload(drive);
    }
}
