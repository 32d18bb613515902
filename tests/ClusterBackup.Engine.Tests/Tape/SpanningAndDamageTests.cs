using ClusterBackup.Engine.Catalog;
using ClusterBackup.Engine.Common;
using ClusterBackup.Engine.Tape;
using ClusterBackup.Engine.Tape.Agents;
using ClusterBackup.Engine.Tape.Drives;
using ClusterBackup.Engine.Tape.Format;
using ClusterBackup.Engine.Tape.Library;

namespace ClusterBackup.Engine.Tests.Tape;

public class SpanningAndDamageTests
{
    private static TapeObject WriteOne(TapeTestKit kit, string name, long length, params BackupMediaAgent[] chain)
    {
        var path = kit.SourceFile(name, length, name.GetHashCode());
        var source = new FileObjectSource(path, name);
        var result = TapeWriteSession.Run("test", [new ChainedObject(source, chain)], NullOperationReporter.Instance, CancellationToken.None);
        source.Dispose();
        kit.Catalog.RecordSession(result.ToSessionRecord());
        Assert.Null(result.Error);
        return kit.Catalog.GetObjects(objectId: source.ObjectId).Single();
    }

    private static byte[] Restore(TapeTestKit kit, TapeObject o, TapeObjectCopy copy)
    {
        var agent = new RestoreMediaAgent("R", new CatalogReadVolumes(kit.Library, "drive5", kit.Catalog.GetStream(copy.StreamId)));
        var target = kit.Directory.Combine("restored", Guid.NewGuid().ToString("N"));
        var sink = new FileObjectSink(target, false);
        agent.Read(new RestoreStart(copy.FirstVolumeSequence, copy.FirstBlock, copy.SessionId), new HashSet<Guid> { o.ObjectId }, (_, _) => sink, CancellationToken.None);
        return File.ReadAllBytes(target);
    }

    [Fact]
    public void ATapeThatFillsMidObjectContinuesOnTheNextCartridgeAndTheObjectRestores()
    {
        // 1 MiB cartridges with a 256 KiB early-warning zone and 64 KiB blocks: a 3 MiB object needs several.
        using var kit = new TapeTestKit(capacity: 1L << 20, earlyWarning: 256 << 10);
        var o = WriteOne(kit, "big.bak", 3L << 20, kit.Agent("A1", 0));
        var copy = Assert.Single(o.Copies);
        Assert.True(copy.Barcodes.Count >= 4, $"expected spanning over several cartridges, got {string.Join(",", copy.Barcodes)}");
        Assert.True(copy.LastVolumeSequence > copy.FirstVolumeSequence);
        Assert.Equal(CartridgeStatus.Full, kit.Catalog.GetCartridge(copy.Barcodes[0])!.Status);
        Assert.Equal(File.ReadAllBytes(o.SourcePath!), Restore(kit, o, copy));
    }

    [Fact]
    public void AFlippedBitIsReportedWithItsVolumeAndBlock()
    {
        using var kit = new TapeTestKit();
        var o = WriteOne(kit, "x.bak", 600_000, kit.Agent("A1", 0));
        var copy = o.Copies.Single();
        var barcode = copy.Barcodes.Single();
        // Block 3 of the volume: label (block 0), SessionStart (1), then object data (2, 3, ...).
        var path = kit.Library.GetCartridgeFile(barcode).Path;
        var bytes = File.ReadAllBytes(path);
        var offset = OffsetOfBlock(bytes, 3) + 4 + 5000;
        bytes[offset] ^= 0x10;
        File.WriteAllBytes(path, bytes);

        var error = Assert.Throws<TapeFormatException>(() => Restore(kit, o, copy));
        Assert.Equal(barcode, error.Barcode);
        Assert.Equal(3, error.Block);
        Assert.Contains($"Tape {barcode}, block 3", error.Message);
        Assert.Contains("checksum", error.Message);
    }

    [Fact]
    public async Task ARestoreFallsBackToTheMirrorWhenTheOriginalIsDamaged()
    {
        using var kit = new TapeTestKit();
        var o = WriteOne(kit, "x.bak", 600_000, kit.Agent("A1", 0), kit.Agent("M1", 1, level: 1, pool: "Offsite"));
        var original = o.Copies.Single(c => c.MirrorLevel == 0);
        var path = kit.Library.GetCartridgeFile(original.Barcodes.Single()).Path;
        var bytes = File.ReadAllBytes(path);
        bytes[OffsetOfBlock(bytes, 2) + 4 + 100] ^= 1;
        File.WriteAllBytes(path, bytes);

        var restored = await new RestoreTapeObjectOperation(kit.Catalog.Database, ConfiguredTapeLibraryFactory.Default).RunAsync(new RestoreTapeObjectRequest
        {
            LibraryPath = kit.Library.Root, ObjectIds = [o.ObjectId], Destination = kit.Directory.Combine("out"),
        }, NullOperationReporter.Instance, CancellationToken.None);
        var r = Assert.Single(restored);
        Assert.Equal(1, r.MirrorLevel);
        Assert.Equal(File.ReadAllBytes(o.SourcePath!), File.ReadAllBytes(r.Path));
    }

    [Fact]
    public void ATruncatedCartridgeEndsAtItsLastCompleteBlockAndTheObjectIsReportedIncomplete()
    {
        // A cartridge cut short (a torn last write) reads like a tape whose data ends at the last complete block: the object on it is
        // incomplete, said with the tape and block, and nothing is restored.
        using var kit = new TapeTestKit();
        var o = WriteOne(kit, "x.bak", 600_000, kit.Agent("A1", 0));
        var copy = o.Copies.Single();
        var path = kit.Library.GetCartridgeFile(copy.Barcodes.Single()).Path;
        using (var stream = File.OpenWrite(path))
            stream.SetLength(stream.Length / 2 + 3);
        var agent = new RestoreMediaAgent("R", new CatalogReadVolumes(kit.Library, "drive5", kit.Catalog.GetStream(copy.StreamId)));
        var target = kit.Directory.Combine("restored", "x.bak");
        var sink = new FileObjectSink(target, false);
        var read = agent.Read(new RestoreStart(copy.FirstVolumeSequence, copy.FirstBlock, copy.SessionId), new HashSet<Guid> { o.ObjectId }, (_, _) => sink, CancellationToken.None);
        var r = Assert.Single(read);
        Assert.False(r.Complete);
        Assert.Contains($"Tape {copy.Barcodes.Single()}, block", r.Note);
        Assert.Contains("incomplete", r.Note);
        Assert.False(File.Exists(target));
    }

    [Fact]
    public void TheVirtualDriveRefusesWritesPastCapacityAndSignalsEarlyWarningBefore()
    {
        using var dir = new TempDirectory("vtd");
        var drive = new VirtualTapeDrive("d");
        drive.Insert(new VirtualCartridge("T1", dir.Combine("t.tap"), 100_000, 45_000));
        drive.Load();
        var block = new byte[20_000];
        Assert.Equal(TapeWriteOutcome.Written, drive.WriteBlock([block]));
        Assert.Equal(TapeWriteOutcome.Written, drive.WriteBlock([block]));
        Assert.Equal(TapeWriteOutcome.WrittenEarlyWarning, drive.WriteBlock([block]));
        Assert.True(drive.GetStatus().EarlyWarning);
        drive.WriteBlock([block]);
        Assert.Throws<TapeEndOfMediumException>(() => drive.WriteBlock([block]));
        drive.WriteFileMark();
        drive.Rewind();
        var buffer = new byte[30_000];
        for (var i = 0; i < 4; i++)
            Assert.Equal(new TapeReadResult(TapeReadKind.Block, 20_000), drive.ReadBlock(buffer));
        Assert.Equal(TapeReadKind.FileMark, drive.ReadBlock(buffer).Kind);
        Assert.Equal(TapeReadKind.EndOfData, drive.ReadBlock(buffer).Kind);
        drive.Unload();
    }

    /// <summary>The byte offset of the SIMH record of tape block <paramref name="block"/> (file marks skipped).</summary>
    internal static int OffsetOfBlock(byte[] tape, int block)
    {
        var offset = 0;
        var seen = 0;
        while (offset < tape.Length)
        {
            var length = BitConverter.ToInt32(tape, offset);
            if (length == 0) { offset += 4; continue; }
            if (seen == block) return offset;
            seen++;
            offset += 8 + length + (length & 1);
        }
        throw new InvalidOperationException($"block {block} not found");
    }
}
