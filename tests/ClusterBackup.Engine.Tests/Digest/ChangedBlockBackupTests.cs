using System.Buffers.Binary;
using ClusterBackup.Engine.Catalog;
using ClusterBackup.Engine.Common;
using ClusterBackup.Engine.Digest;
using ClusterBackup.Engine.Digest.Incremental;

namespace ClusterBackup.Engine.Tests.Digest;

public class ChangedBlockBackupTests
{
    private static BackupChangedBlockRequest Request(string source, string store, bool allowInconsistent = true) => new()
    {
        SourcePath = source,
        StorePath = store,
        AllowInconsistentCopy = allowInconsistent,
        Options = new BlockDigestOptions { BlockSize = 4096 },
    };

    [Fact]
    public async Task WithoutReflinkSupportTheBackupRefusesClearlyUnlessAnInconsistentCopyIsAccepted()
    {
        // tmpfs never supports reflink clones; fall back to the temp folder where there is no /dev/shm.
        var root = Directory.Exists("/dev/shm") ? "/dev/shm" : null;
        using var dir = new TempDirectory("cbt");
        var work = root is null ? dir.Path : Path.Combine(root, $"cb-cbt-{Guid.NewGuid():N}");
        Directory.CreateDirectory(work);
        try
        {
            var source = Path.Combine(work, "live.db");
            File.WriteAllBytes(source, DigestTestData.RandomBytes(100_000, 50));
            var catalog = CatalogDatabase.OpenOrCreate(dir.Combine("catalog.db"));
            var error = await Assert.ThrowsAsync<ClusterBackupException>(() =>
                new BackupChangedBlockOperation(catalog).RunAsync(Request(source, dir.Combine("store"), allowInconsistent: false), NullOperationReporter.Instance, CancellationToken.None));
            Assert.Equal(ErrorKind.InvalidOperation, error.Kind);
            Assert.Contains("reflink", error.Message);
            Assert.Contains("-AllowInconsistentCopy", error.Message);
            Assert.Empty(new ChangedBlockCatalog(catalog).GetGenerations(dir.Combine("store")));
            Assert.Single(Directory.GetFiles(work)); // no snapshot left behind

            var reporter = new RecordingReporter();
            var generation = await new BackupChangedBlockOperation(catalog).RunAsync(Request(source, dir.Combine("store")), reporter, CancellationToken.None);
            Assert.Equal(SnapshotMethod.InconsistentCopy, generation.SnapshotMethod);
            Assert.Contains(reporter.Warnings, w => w.Contains("may not be consistent"));
        }
        finally
        {
            if (root is not null)
                Directory.Delete(work, recursive: true);
        }
    }

    [Fact]
    public async Task GenerationsStoreOnlyChangedBlocksAndEveryGenerationRestoresByteIdentical()
    {
        using var dir = new TempDirectory("cbt");
        var source = dir.Combine("live.db");
        var store = dir.Combine("store");
        var catalog = CatalogDatabase.OpenOrCreate(dir.Combine("catalog.db"));
        var states = new List<byte[]>();

        var data = DigestTestData.RandomBytes(2 * 1024 * 1024 + 1000, 51);
        states.Add((byte[])data.Clone());
        data = (byte[])data.Clone();
        var changed = DigestTestData.ChangeScatteredBlocks(data, 4096, 0.01, 52);
        states.Add((byte[])data.Clone());
        states.Add(data.Concat(DigestTestData.RandomBytes(30_000, 53)).ToArray()); // grows
        states.Add(states[2][..1_500_001]); // shrinks
        states.Add(states[3].Concat(DigestTestData.RandomBytes(9_000, 54)).ToArray()); // grows again past an old short block

        var generations = new List<ChangedBlockGeneration>();
        foreach (var state in states)
        {
            File.WriteAllBytes(source, state);
            generations.Add(await new BackupChangedBlockOperation(catalog).RunAsync(Request(source, store), NullOperationReporter.Instance, CancellationToken.None));
        }

        Assert.Equal([1, 2, 3, 4, 5], generations.Select(g => g.Generation));
        Assert.Equal(generations[0].BlockCount, generations[0].ChangedBlocks);
        Assert.Equal(changed.Count, generations[1].ChangedBlocks);
        Assert.True(generations[1].StoredBytes < changed.Count * (4096 + 8) + 200, "an incremental stores only its changed blocks");
        Assert.Equal(5, new ChangedBlockCatalog(catalog).GetGenerations(store).Count);

        for (var i = 0; i < states.Count; i++)
        {
            var restored = dir.Combine($"restored-{i + 1}");
            var result = await new RestoreChangedBlockOperation(catalog).RunAsync(new RestoreChangedBlockRequest { StorePath = store, Generation = i + 1, DestinationPath = restored }, NullOperationReporter.Instance, CancellationToken.None);
            Assert.True(result.VerifiedAgainstMap);
            Assert.Equal(Convert.ToHexString(System.Security.Cryptography.SHA256.HashData(states[i])), DigestTestData.Sha256Of(restored));
        }
    }

    [Fact]
    public async Task ADamagedChangedBlockFileFailsTheRestoreAndLeavesNoDestination()
    {
        using var dir = new TempDirectory("cbt");
        var source = dir.Combine("live.db");
        var store = dir.Combine("store");
        var catalog = CatalogDatabase.OpenOrCreate(dir.Combine("catalog.db"));
        File.WriteAllBytes(source, DigestTestData.RandomBytes(200_000, 55));
        var generation = await new BackupChangedBlockOperation(catalog).RunAsync(Request(source, store), NullOperationReporter.Instance, CancellationToken.None);
        var bytes = File.ReadAllBytes(generation.DataFile);
        bytes[bytes.Length / 2] ^= 0xFF;
        File.WriteAllBytes(generation.DataFile, bytes);

        var error = await Assert.ThrowsAsync<ClusterBackupException>(() =>
            new RestoreChangedBlockOperation(catalog).RunAsync(new RestoreChangedBlockRequest { StorePath = store, DestinationPath = dir.Combine("out") }, NullOperationReporter.Instance, CancellationToken.None));
        Assert.Equal(ErrorKind.InvalidData, error.Kind);
        Assert.Contains("checksum", error.Message);
        Assert.False(File.Exists(dir.Combine("out")));
        Assert.Empty(Directory.GetFiles(dir.Path, ".out.*.tmp"));
    }

    [RootLoopTheory]
    [InlineData("xfs")]
    [InlineData("btrfs")]
    public void AReflinkSnapshotOfAFileBeingWrittenKeepsTheSnapshotsContent(string fileSystem)
    {
        using var loop = LoopDevice.MountWithReflink(fileSystem);
        var live = Path.Combine(loop.MountPoint, "live.db");
        File.WriteAllBytes(live, new byte[8 * 1024 * 1024]);
        using var stop = new CancellationTokenSource();
        var writer = Task.Run(() => StampBlocksUntilStopped(live, 4096, stop.Token));
        try
        {
            WaitForMoreStamps(100);
            using var snapshot = ReflinkSnapshot.Create(live);
            var atSnapshot = DigestTestData.Sha256Of(snapshot.Path);
            WaitForMoreStamps(100); // the writer goes on changing the live file
            Assert.Equal(atSnapshot, DigestTestData.Sha256Of(snapshot.Path));
            Assert.NotEqual(atSnapshot, DigestTestData.Sha256Of(live));
            AssertPointInTimeConsistent(File.ReadAllBytes(snapshot.Path), 4096);
        }
        finally
        {
            stop.Cancel();
            writer.Wait();
        }
    }

    [RootLoopTheory]
    [InlineData("xfs")]
    [InlineData("btrfs")]
    public async Task ChangedBlockBackupsOfALiveFileOnAReflinkFileSystemAreConsistentAndRestoreByteIdentical(string fileSystem)
    {
        using var loop = LoopDevice.MountWithReflink(fileSystem);
        using var dir = new TempDirectory("cbt");
        var live = Path.Combine(loop.MountPoint, "live.db");
        File.WriteAllBytes(live, new byte[4 * 1024 * 1024]);
        var catalog = CatalogDatabase.OpenOrCreate(dir.Combine("catalog.db"));
        using var stop = new CancellationTokenSource();
        var writer = Task.Run(() => StampBlocksUntilStopped(live, 4096, stop.Token));
        var generations = new List<ChangedBlockGeneration>();
        try
        {
            for (var i = 0; i < 3; i++)
            {
                WaitForMoreStamps(100);
                generations.Add(await new BackupChangedBlockOperation(catalog).RunAsync(Request(live, dir.Combine("store"), allowInconsistent: false), NullOperationReporter.Instance, CancellationToken.None));
            }
        }
        finally
        {
            stop.Cancel();
            await writer;
        }
        Assert.All(generations, g => Assert.Equal(SnapshotMethod.Reflink, g.SnapshotMethod));
        Assert.Empty(Directory.GetFiles(loop.MountPoint, ".*cb-snapshot*"));
        foreach (var generation in generations)
        {
            var restored = dir.Combine($"gen{generation.Generation}");
            await new RestoreChangedBlockOperation(catalog).RunAsync(new RestoreChangedBlockRequest { StorePath = dir.Combine("store"), Generation = generation.Generation, DestinationPath = restored }, NullOperationReporter.Instance, CancellationToken.None);
            AssertPointInTimeConsistent(File.ReadAllBytes(restored), 4096);
        }
    }

    /// <summary>
    /// Writes k = 1, 2, 3, ... into block (k mod N), one block per write, in order. A point-in-time image then holds,
    /// for the largest k it contains (S), in every block i the largest k &lt;= S with k mod N = i; a copy read while
    /// the writer runs almost never does.
    /// </summary>
    private static long _stampsWritten;

    private static void StampBlocksUntilStopped(string path, int blockSize, CancellationToken token)
    {
        using var stream = new FileStream(path, FileMode.Open, FileAccess.Write, FileShare.ReadWrite);
        var blocks = stream.Length / blockSize;
        var buffer = new byte[blockSize];
        for (long k = 1; !token.IsCancellationRequested; k++)
        {
            BinaryPrimitives.WriteInt64LittleEndian(buffer, k);
            RandomAccess.Write(stream.SafeFileHandle, buffer, k % blocks * blockSize);
            Interlocked.Increment(ref _stampsWritten);
        }
    }

    /// <summary>Waits until the writer has stamped more blocks, however busy the machine is, instead of sleeping a fixed time.</summary>
    private static void WaitForMoreStamps(long count)
    {
        var target = Interlocked.Read(ref _stampsWritten) + count;
        Assert.True(SpinWait.SpinUntil(() => Interlocked.Read(ref _stampsWritten) >= target, TimeSpan.FromMinutes(1)), "the writer made no progress");
    }

    private static void AssertPointInTimeConsistent(byte[] image, int blockSize)
    {
        var blocks = image.Length / blockSize;
        var stamps = Enumerable.Range(0, blocks).Select(i => BinaryPrimitives.ReadInt64LittleEndian(image.AsSpan(i * blockSize))).ToArray();
        var newest = stamps.Max();
        if (newest == 0)
            return;
        for (var i = 0; i < blocks; i++)
        {
            // The largest k <= newest with k mod blocks == i (0 if the writer had not reached block i yet).
            var expected = newest - ((newest - i) % blocks + blocks) % blocks;
            if (expected < 1)
                expected = 0;
            if (stamps[i] != expected)
                Assert.Fail($"block {i} holds write {stamps[i]} but a point-in-time image at write {newest} would hold {expected}");
        }
    }
}
