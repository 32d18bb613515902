using System.Security.Cryptography;
using ClusterBackup.Engine.Common;
using ClusterBackup.Engine.Tape;
using ClusterBackup.Engine.Tape.Agents;
using ClusterBackup.Engine.Tape.Drives;
using ClusterBackup.Engine.Tape.Format;
using ClusterBackup.Engine.Tape.Library;

namespace ClusterBackup.Engine.Tests.Tape;

/// <summary>
/// A tape writer whose library lock was lost and taken over (simulated by releasing its lock while it goes on, as an NFS lock
/// reclaimed after a partition) is refused before its next write to a cartridge the new holder has written, naming both tokens;
/// the new holder's cartridge stays readable. A cartridge written before fencing (no fence file) still takes appends.
/// </summary>
public class FencingTests
{
    private const int BlockSize = 64 * 1024;

    [Fact]
    public async Task AWriterWhoseLockWasTakenOverIsRefusedBeforeItsNextBlockAndTheNewHoldersCartridgeStaysReadable()
    {
        using var kit = new TapeTestKit(drives: 2, cartridges: 1);
        var lockPath = Path.Combine(kit.Library.Root, TapeContext.WriterLockFileName);
        var stale = WriterLock.Acquire(lockPath, "tape library vtl", "stale tape backup", TimeSpan.Zero);
        var gate = new WriteGate(pauseBeforeWrite: 2);
        var staleAgent = new BackupMediaAgent("A1", 0, "Daily", BlockSize,
            new GatedVolumes(new VolumeAllocator(kit.Library, kit.Catalog, NullOperationReporter.Instance, stale).For("drive0", "Daily", BlockSize), gate));
        var staleSource = new FileObjectSource(kit.SourceFile("stale.bin", 1 << 20, seed: 1), "stale.bin");
        var staleRun = Task.Run(() => TapeWriteSession.Run("stale", [new ChainedObject(staleSource, [staleAgent])], NullOperationReporter.Instance, CancellationToken.None));
        Assert.True(gate.Reached.Wait(TimeSpan.FromSeconds(10)), "the stale writer did not reach its second block");

        // The lock is lost; a new holder takes it with a higher token and appends a session to the same cartridge, from its own
        // view of the library (another machine's).
        stale.Dispose();
        TapeWriteResult current;
        long currentToken;
        string currentHolder;
        using (var taken = WriterLock.Acquire(lockPath, "tape library vtl", "current tape backup", TimeSpan.Zero))
        {
            (currentToken, currentHolder) = (taken.Token, taken.Holder);
            var library = VirtualTapeLibrary.Open(kit.Library.Root);
            var agent = new BackupMediaAgent("A1", 0, "Daily", BlockSize,
                new VolumeAllocator(library, kit.Catalog, NullOperationReporter.Instance, taken).For("drive0", "Daily", BlockSize));
            using var source = new FileObjectSource(kit.SourceFile("current.bin", 300_000, seed: 2), "current.bin");
            current = TapeWriteSession.Run("current", [new ChainedObject(source, [agent])], NullOperationReporter.Instance, CancellationToken.None);
        }
        Assert.Null(current.Error);
        kit.Catalog.RecordSession(current.ToSessionRecord());
        var cartridge = kit.Library.GetCartridgeFile("VT0001");
        var lengthAfterCurrent = new FileInfo(cartridge.Path).Length;

        gate.Release.Set();
        var staleResult = await staleRun;
        staleSource.Dispose();

        var refusal = Assert.IsType<ClusterBackupException>(staleResult.Error);
        Assert.Equal(ErrorKind.ResourceBusy, refusal.Kind);
        Assert.Equal("WriterFenced", refusal.Cause);
        Assert.Contains("Cartridge VT0001 of tape library", refusal.Message);
        Assert.Contains($"fencing token {currentToken}", refusal.Message);
        Assert.Contains($"this writer's token {stale.Token}", refusal.Message);
        Assert.Contains(currentHolder, refusal.Message);
        Assert.True(currentToken > stale.Token);
        // Nothing more was written, and the new holder's object restores byte-identical.
        Assert.Equal(lengthAfterCurrent, new FileInfo(cartridge.Path).Length);
        Assert.Equal(currentToken, CartridgeFence.Read(CartridgeFence.PathFor(cartridge.Path), "VT0001")!.Token);
        var written = Assert.Single(current.Objects);
        var restored = await new RestoreTapeObjectOperation(kit.Catalog.Database, ConfiguredTapeLibraryFactory.Default).RunAsync(new RestoreTapeObjectRequest
        {
            LibraryPath = kit.Library.Root, ObjectIds = [written.ObjectId], Destination = kit.Directory.Combine("restore"),
        }, NullOperationReporter.Instance, CancellationToken.None);
        Assert.Equal(Convert.ToHexString(SHA256.HashData(File.ReadAllBytes(kit.Directory.Combine("share", "current.bin")))).ToLowerInvariant(), restored.Single().Sha256);
    }

    [Fact]
    public void ACartridgeWrittenWithoutAFenceTakesAnAppendAndThenRecordsTheWritersToken()
    {
        using var kit = new TapeTestKit(drives: 1, cartridges: 1);
        using (var old = new FileObjectSource(kit.SourceFile("old.bin", 100_000, seed: 3), "old.bin"))
            kit.Catalog.RecordSession(TapeWriteSession.Run("old", [new ChainedObject(old, [kit.Agent("A1", 0)])], NullOperationReporter.Instance, CancellationToken.None).ToSessionRecord());
        var fencePath = CartridgeFence.PathFor(kit.Library.GetCartridgeFile("VT0001").Path);
        Assert.False(File.Exists(fencePath));

        using var writer = WriterLock.Acquire(Path.Combine(kit.Library.Root, TapeContext.WriterLockFileName), "tape library vtl", "tape backup", TimeSpan.Zero);
        var agent = new BackupMediaAgent("A1", 0, "Daily", BlockSize, new VolumeAllocator(kit.Library, kit.Catalog, NullOperationReporter.Instance, writer).For("drive0", "Daily", BlockSize));
        using var source = new FileObjectSource(kit.SourceFile("new.bin", 100_000, seed: 4), "new.bin");
        var result = TapeWriteSession.Run("new", [new ChainedObject(source, [agent])], NullOperationReporter.Instance, CancellationToken.None);

        Assert.Null(result.Error);
        Assert.Equal("VT0001", Assert.Single(result.ToSessionRecord().Streams).Volumes.Single().Barcode);
        Assert.Equal(writer.Token, CartridgeFence.Read(fencePath, "VT0001")!.Token);
    }

    /// <summary>Holds the writer still before its N-th block write, as a paused process is held, until released.</summary>
    private sealed class WriteGate(int pauseBeforeWrite)
    {
        private int _writes;
        public ManualResetEventSlim Reached { get; } = new();
        public ManualResetEventSlim Release { get; } = new();

        public void BeforeWrite()
        {
            if (Interlocked.Increment(ref _writes) != pauseBeforeWrite)
                return;
            Reached.Set();
            Release.Wait(TimeSpan.FromSeconds(30));
        }
    }

    private sealed class GatedVolumes(IVolumeSource inner, WriteGate gate) : IVolumeSource
    {
        public MountedVolume Mount(int volumeSequence)
        {
            var volume = inner.Mount(volumeSequence);
            return volume with { Drive = new GatedDrive(volume.Drive, gate) };
        }

        public void Dismount(MountedVolume volume, long nextBlock, int nextFile, bool full) => inner.Dismount(volume, nextBlock, nextFile, full);
    }

    private sealed class GatedDrive(ITapeDrive inner, WriteGate gate) : ITapeDrive
    {
        public string Name => inner.Name;
        public TapePosition Position => inner.Position;

        public TapeWriteOutcome WriteBlock(IReadOnlyList<ReadOnlyMemory<byte>> segments)
        {
            gate.BeforeWrite();
            return inner.WriteBlock(segments);
        }

        public void WriteFileMark() => inner.WriteFileMark();
        public TapeReadResult ReadBlock(Span<byte> buffer) => inner.ReadBlock(buffer);
        public void SpaceFileMarks(int count) => inner.SpaceFileMarks(count);
        public void SpaceBlocks(long count) => inner.SpaceBlocks(count);
        public void Rewind() => inner.Rewind();
        public void SeekToEndOfData() => inner.SeekToEndOfData();
        public TapeDriveStatus GetStatus() => inner.GetStatus();
        public void Load() => inner.Load();
        public void Unload() => inner.Unload();
        public void Dispose() { }
    }
}
