using ClusterBackup.Engine.Catalog;
using ClusterBackup.Engine.Common;
using ClusterBackup.Engine.Tape;
using ClusterBackup.Engine.Tape.Agents;
using ClusterBackup.Engine.Tests.Cli;
using ClusterBackup.Engine.Tape.Library;

namespace ClusterBackup.Engine.Tests.Tape;

/// <summary>A restore puts in place only a copy whose content matches the catalog; a forged copy is rejected and the next one tried.</summary>
public class RestoreVerificationTests
{
    private static TapeObject WriteMirrored(TapeTestKit kit, string name, long length)
    {
        var path = kit.SourceFile(name, length, 42);
        using var source = new FileObjectSource(path, name);
        var result = TapeWriteSession.Run("test", [new ChainedObject(source, [kit.Agent("A1", 0), kit.Agent("M1", 1, level: 1, pool: "Offsite")])],
            NullOperationReporter.Instance, CancellationToken.None);
        Assert.Null(result.Error);
        kit.Catalog.RecordSession(result.ToSessionRecord());
        return kit.Catalog.GetObjects(objectId: source.ObjectId).Single();
    }

    private static void Forge(TapeTestKit kit, TapeObject o, int mirrorLevel) =>
        TapeForgery.ForgeObject(kit.Library.GetCartridgeFile(o.Copies.Single(c => c.MirrorLevel == mirrorLevel).Barcodes.Single()).Path, o.ObjectId);

    private static Task<IReadOnlyList<RestoreTapeObjectResult>> RestoreAsync(TapeTestKit kit, TapeObject o, string destination, IOperationReporter reporter, bool force = false) =>
        new RestoreTapeObjectOperation(kit.Catalog.Database, ConfiguredTapeLibraryFactory.Default).RunAsync(new RestoreTapeObjectRequest
        {
            LibraryPath = kit.Library.Root, ObjectIds = [o.ObjectId], Destination = destination, Force = force,
        }, reporter, CancellationToken.None);

    [Fact]
    public async Task AForgedPrimaryCopyIsRejectedAndTheMirrorIsRestoredAndNamed()
    {
        using var kit = new TapeTestKit();
        var o = WriteMirrored(kit, "PGVS1/sales/set1/base.tar.gz", 300_000);
        Forge(kit, o, mirrorLevel: 0);
        var destination = kit.Directory.Combine("out");
        var reporter = new RecordingReporter();

        var r = Assert.Single(await RestoreAsync(kit, o, destination, reporter));

        Assert.Equal(1, r.MirrorLevel);
        Assert.Equal("M1", r.Agent);
        Assert.Equal(o.Copies.Single(c => c.MirrorLevel == 1).StreamId, r.StreamId);
        Assert.Equal(string.Join(",", o.Copies.Single(c => c.MirrorLevel == 1).Barcodes), r.Barcodes);
        Assert.Equal(o.Sha256, r.Sha256);
        Assert.Equal(File.ReadAllBytes(o.SourcePath!), File.ReadAllBytes(r.Path));
        var warning = Assert.Single(reporter.Warnings);
        Assert.Contains("Copy 0 of object PGVS1/sales/set1/base.tar.gz (agent A1", warning);
        Assert.Contains($"the catalog recorded {o.Sha256}", warning);
        Assert.Empty(Directory.EnumerateFiles(destination, "*.tmp", SearchOption.AllDirectories));
    }

    [Fact]
    public async Task WhenNoCopyVerifiesTheRestoreFailsAndLeavesNothingThatLooksRestored()
    {
        using var kit = new TapeTestKit();
        var o = WriteMirrored(kit, "PGVS1/sales/set1/base.tar.gz", 300_000);
        Forge(kit, o, mirrorLevel: 0);
        Forge(kit, o, mirrorLevel: 1);
        var destination = kit.Directory.Combine("out");
        var reporter = new RecordingReporter();

        var error = await Assert.ThrowsAsync<ClusterBackupException>(() => RestoreAsync(kit, o, destination, reporter));

        Assert.Equal(ErrorKind.InvalidData, error.Kind);
        Assert.Contains("could not be restored from any of its 2 copies; nothing of it was put in place", error.Message);
        Assert.Contains("agent A1", error.Message);
        Assert.Contains("agent M1", error.Message);
        Assert.Equal(2, reporter.Warnings.Count);
        Assert.False(Directory.Exists(destination) && Directory.EnumerateFileSystemEntries(destination, "*", SearchOption.AllDirectories).Any(),
            "the destination holds something after a restore that failed");
    }

    [Fact]
    public async Task AnExistingFileIsNotReplacedByACopyThatDoesNotVerify()
    {
        using var kit = new TapeTestKit();
        var o = WriteMirrored(kit, "PGVS1/sales/set1/base.tar.gz", 200_000);
        Forge(kit, o, mirrorLevel: 0);
        Forge(kit, o, mirrorLevel: 1);
        var destination = kit.Directory.Combine("out");
        var target = RestoreTapeObjectOperation.TargetPath(destination, o.Name);
        Directory.CreateDirectory(Path.GetDirectoryName(target)!);
        File.WriteAllText(target, "what the admin had");

        await Assert.ThrowsAsync<ClusterBackupException>(() => RestoreAsync(kit, o, destination, new RecordingReporter(), force: true));

        Assert.Equal("what the admin had", File.ReadAllText(target));
        Assert.Equal([target], Directory.EnumerateFiles(destination, "*", SearchOption.AllDirectories));
    }

    [Fact]
    public void TheFileSinkRejectsContentThatDiffersFromTheCatalog()
    {
        using var dir = new TempDirectory("sink");
        var target = dir.Combine("a", "b", "file");
        var sink = new FileObjectSink(target, overwrite: false, expectedLength: 3, expectedSha256: new string('0', 64));
        sink.Write([1, 2, 3]);
        sink.Complete(3, "039058c6f2c0cb492c533b0a4d14ef77cc0f78abccced5287d84a1a2011cfb81");

        Assert.False(sink.Completed);
        Assert.Contains("the catalog recorded 0000", sink.Rejection);
        Assert.False(Directory.Exists(dir.Combine("a")), "the folders the sink created are left behind");
    }

    [Fact]
    public void TheCliExitsWithOneWhenNoCopyVerifies()
    {
        using var kit = new TapeTestKit();
        var o = WriteMirrored(kit, "PGVS1/sales/set1/base.tar.gz", 150_000);
        Forge(kit, o, mirrorLevel: 0);
        Forge(kit, o, mirrorLevel: 1);
        var destination = kit.Directory.Combine("out");

        var (code, output, error) = CliHarness.Run("tape", "restore", "--object", o.ObjectId.ToString(), "--destination", destination,
            "--catalog", kit.CatalogPath, "--library", kit.Library.Root);

        Assert.Equal(1, code);
        Assert.Contains("could not be restored from any of its 2 copies", error);
        Assert.DoesNotContain(o.Sha256, output);
        Assert.False(File.Exists(RestoreTapeObjectOperation.TargetPath(destination, o.Name)));
    }
}
