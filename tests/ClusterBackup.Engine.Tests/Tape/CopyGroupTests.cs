using ClusterBackup.Engine.Catalog;
using ClusterBackup.Engine.Common;
using ClusterBackup.Engine.Tape;
using ClusterBackup.Engine.Tape.Agents;
using ClusterBackup.Engine.Tape.Library;

namespace ClusterBackup.Engine.Tests.Tape;

public class CopyGroupTests
{
    private static List<TapeObject> WriteMultiplexed(TapeTestKit kit, int count)
    {
        var agent = kit.Agent("A1", 0);
        var objects = Enumerable.Range(0, count).Select(i => new ChainedObject(
            new FileObjectSource(kit.SourceFile($"o{i}.bak", 150_000 + i * 70_001, i), $"o{i}.bak"), [agent])).ToList();
        var result = TapeWriteSession.Run("test", objects, NullOperationReporter.Instance, CancellationToken.None);
        objects.ForEach(o => o.Source.Dispose());
        Assert.Null(result.Error);
        kit.Catalog.RecordSession(result.ToSessionRecord());
        return kit.Catalog.GetObjects().ToList();
    }

    /// <summary>Reads a cartridge end to end, as Get-TapeObject -FromMedia does.</summary>
    private static Task<IReadOnlyList<TapeMediaObject>> ReadMedia(TapeTestKit kit, string barcode) =>
        new ReadTapeCartridgeOperation(kit.Catalog.Database, ConfiguredTapeLibraryFactory.Default).RunAsync(new ReadTapeCartridgeRequest(kit.Library.Root, barcode), NullOperationReporter.Instance, CancellationToken.None);

    /// <summary>Reads the copies not yet verified back, as Test-TapeObject does.</summary>
    private static Task<IReadOnlyList<TapeCopyVerification>> Verify(TapeTestKit kit, IReadOnlyCollection<Guid>? objectIds) =>
        new TestTapeObjectOperation(kit.Catalog.Database, ConfiguredTapeLibraryFactory.Default).RunAsync(new TestTapeObjectRequest { LibraryPath = kit.Library.Root, ObjectIds = objectIds },
            NullOperationReporter.Instance, CancellationToken.None);

    [Fact]
    public async Task CompactionLeavesOnlyLiveObjects()
    {
        using var kit = new TapeTestKit();
        var objects = WriteMultiplexed(kit, 4);
        var source = objects[0].Copies.Single().Barcodes.Single();
        kit.Catalog.SetObjectStatus(objects[1].ObjectId, TapeObjectStatus.Expired);
        kit.Catalog.SetObjectStatus(objects[3].ObjectId, TapeObjectStatus.Expired);

        var copied = await new CopyTapeObjectOperation(kit.Catalog.Database, ConfiguredTapeLibraryFactory.Default).RunAsync(new CopyTapeObjectRequest
        {
            LibraryPath = kit.Library.Root, Mode = TapeCopyMode.Compaction, Barcodes = [source], Pool = "Compacted", Drive = "drive1",
        }, NullOperationReporter.Instance, CancellationToken.None);

        Assert.Equal([objects[0].Name, objects[2].Name], copied.Select(c => c.Name).Order());
        var target = copied.Select(c => c.ToBarcodes).Distinct().Single();
        Assert.NotEqual(source, target);
        // Read the new tape itself: only the live objects are on it, complete and checked.
        var onMedia = await ReadMedia(kit, target);
        Assert.Equal([objects[0].Name, objects[2].Name], onMedia.Select(o => o.Name).Order());
        Assert.All(onMedia, o => Assert.True(o.Complete));
        // Each copied object now has a second copy, which restores byte-identical.
        var restored = await new RestoreTapeObjectOperation(kit.Catalog.Database, ConfiguredTapeLibraryFactory.Default).RunAsync(new RestoreTapeObjectRequest
        {
            LibraryPath = kit.Library.Root, ObjectIds = [objects[2].ObjectId], Destination = kit.Directory.Combine("out"),
        }, NullOperationReporter.Instance, CancellationToken.None);
        Assert.Equal(File.ReadAllBytes(objects[2].SourcePath!), File.ReadAllBytes(restored.Single().Path));
        Assert.Equal(2, kit.Catalog.GetObjects(objectId: objects[2].ObjectId).Single().Copies.Count);
    }

    [Fact]
    public async Task RefreshRewritesEveryObjectOfTheVolumeExpiredOnesToo()
    {
        using var kit = new TapeTestKit();
        var objects = WriteMultiplexed(kit, 3);
        var source = objects[0].Copies.Single().Barcodes.Single();
        kit.Catalog.SetObjectStatus(objects[1].ObjectId, TapeObjectStatus.Expired);
        var copied = await new CopyTapeObjectOperation(kit.Catalog.Database, ConfiguredTapeLibraryFactory.Default).RunAsync(new CopyTapeObjectRequest
        {
            LibraryPath = kit.Library.Root, Mode = TapeCopyMode.Refresh, Barcodes = [source], Pool = "Daily", Drive = "drive1",
        }, NullOperationReporter.Instance, CancellationToken.None);
        Assert.Equal(objects.Select(o => o.Name).Order(), copied.Select(c => c.Name).Order());
        Assert.All(copied, c => Assert.NotEqual(source, c.ToBarcodes));
        var onMedia = await ReadMedia(kit, copied[0].ToBarcodes);
        Assert.Equal(3, onMedia.Count(o => o.Complete));
    }

    [Fact]
    public async Task ACopyWritesCascadedMirrorsOfTheNewCopyInTheSamePass()
    {
        using var kit = new TapeTestKit();
        var objects = WriteMultiplexed(kit, 3);
        var source = objects[0].Copies.Single().Barcodes.Single();

        var copied = await new CopyTapeObjectOperation(kit.Catalog.Database, ConfiguredTapeLibraryFactory.Default).RunAsync(new CopyTapeObjectRequest
        {
            LibraryPath = kit.Library.Root, Mode = TapeCopyMode.Migration, Barcodes = [source], Pool = "Vault",
            Drive = "drive2", MirrorDrives = ["drive3", "drive4"],
        }, NullOperationReporter.Instance, CancellationToken.None);

        Assert.Equal(3, copied.Count);
        var newCopy = copied.Select(c => c.ToBarcodes).Distinct().Single();
        var mirrors = copied.Select(c => c.MirrorBarcodes).Distinct().Single().Split(',');
        Assert.Equal(2, mirrors.Length);
        Assert.Equal(4, new[] { source, newCopy }.Concat(mirrors).Distinct().Count());
        // Every tape of the pass holds every object, complete and checked, read from the media itself.
        foreach (var barcode in mirrors.Prepend(newCopy))
        {
            var onMedia = await ReadMedia(kit, barcode);
            Assert.Equal(objects.Select(o => (o.ObjectId, (string?)o.Sha256)).Order(), onMedia.Select(o => (o.ObjectId, o.Sha256)).Order());
            Assert.All(onMedia, o => Assert.True(o.Complete));
        }
        foreach (var o in objects)
        {
            var copies = kit.Catalog.GetObjects(objectId: o.ObjectId).Single().Copies;
            Assert.Equal(4, copies.Count);
            Assert.Equal([0, 0, 1, 2], copies.Select(c => c.MirrorLevel).Order());
        }
        var verified = await Verify(kit, objects.Select(o => o.ObjectId).ToList());
        Assert.Equal(12, verified.Count);
        Assert.All(verified, v => Assert.True(v.Verified, v.Error));
    }

    [Fact]
    public async Task ACopyRefusesADriveNamedTwiceOrUnknownAndWritesNothing()
    {
        using var kit = new TapeTestKit();
        var objects = WriteMultiplexed(kit, 1);
        var error = await Assert.ThrowsAsync<ClusterBackupException>(() => new CopyTapeObjectOperation(kit.Catalog.Database, ConfiguredTapeLibraryFactory.Default).RunAsync(new CopyTapeObjectRequest
        {
            LibraryPath = kit.Library.Root, Mode = TapeCopyMode.Refresh, ObjectIds = [objects[0].ObjectId], Pool = "Vault",
            Drive = "drive2", ReadDrive = "drive1", MirrorDrives = ["drive3", "drive2"],
        }, NullOperationReporter.Instance, CancellationToken.None));
        Assert.Equal(ErrorKind.InvalidArgument, error.Kind);
        Assert.Contains("Drive drive2 is named twice", error.Message);
        var unknown = await Assert.ThrowsAsync<ClusterBackupException>(() => new CopyTapeObjectOperation(kit.Catalog.Database, ConfiguredTapeLibraryFactory.Default).RunAsync(new CopyTapeObjectRequest
        {
            LibraryPath = kit.Library.Root, Mode = TapeCopyMode.Refresh, ObjectIds = [objects[0].ObjectId], Pool = "Vault",
            Drive = "drive2", MirrorDrives = ["drive9"],
        }, NullOperationReporter.Instance, CancellationToken.None));
        Assert.Equal(ErrorKind.ObjectNotFound, unknown.Kind);
        Assert.Contains("no drive 'drive9'", unknown.Message);
        Assert.Single(kit.Catalog.GetObjects(objectId: objects[0].ObjectId).Single().Copies);
    }

    [Fact]
    public async Task DemultiplexingYieldsOneObjectPerTape()
    {
        using var kit = new TapeTestKit();
        var objects = WriteMultiplexed(kit, 3);
        var copied = await new CopyTapeObjectOperation(kit.Catalog.Database, ConfiguredTapeLibraryFactory.Default).RunAsync(new CopyTapeObjectRequest
        {
            LibraryPath = kit.Library.Root, Mode = TapeCopyMode.Demultiplex,
            ObjectIds = objects.Select(o => o.ObjectId).ToList(), Pool = "Single", Drive = "drive2",
        }, NullOperationReporter.Instance, CancellationToken.None);

        Assert.Equal(3, copied.Select(c => c.ToBarcodes).Distinct().Count());
        foreach (var c in copied)
        {
            var onMedia = await ReadMedia(kit, c.ToBarcodes);
            var only = Assert.Single(onMedia);
            Assert.Equal(c.ObjectId, only.ObjectId);
            Assert.Equal(c.Sha256, only.Sha256);
            Assert.Equal(CartridgeStatus.Closed, kit.Catalog.GetCartridge(c.ToBarcodes)!.Status);
        }
    }

    [Fact]
    public async Task MigrationWritesAnotherPoolWithAnotherBlockSize()
    {
        using var kit = new TapeTestKit();
        var objects = WriteMultiplexed(kit, 2);
        var copied = await new CopyTapeObjectOperation(kit.Catalog.Database, ConfiguredTapeLibraryFactory.Default).RunAsync(new CopyTapeObjectRequest
        {
            LibraryPath = kit.Library.Root, Mode = TapeCopyMode.Migration,
            ObjectIds = objects.Select(o => o.ObjectId).ToList(), Pool = "Big", BlockSize = 128 * 1024, Drive = "drive3",
        }, NullOperationReporter.Instance, CancellationToken.None);
        var target = kit.Catalog.GetCartridge(copied[0].ToBarcodes)!;
        Assert.Equal(128 * 1024, target.BlockSize);
        Assert.Equal("Big", target.Pool);
        var verified = await Verify(kit, null);
        Assert.Equal(4, verified.Count);
        Assert.All(verified, v => Assert.True(v.Verified, v.Error));
    }
}
