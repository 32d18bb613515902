using System.Security.Cryptography;
using ClusterBackup.Engine.Catalog;
using ClusterBackup.Engine.Common;
using ClusterBackup.Engine.Tape;
using ClusterBackup.Engine.Tape.Agents;
using ClusterBackup.Engine.Tape.Drives;
using ClusterBackup.Engine.Tape.Format;
using ClusterBackup.Engine.Tests.FaultInjection;
using Newtonsoft.Json.Linq;
using ClusterBackup.Engine.Tape.Library;

namespace ClusterBackup.Engine.Tests.Tape;

/// <summary>
/// A tape session interrupted at any point leaves the tape readable up to its last complete block; the next session appends after it
/// without an erase; objects that lack a mirror copy get it from the next run, and are reported until they have it.
/// </summary>
public class InterruptedSessionTests
{
    private static Task<BackupToTapeResult> BackupAsync(TapeTestKit kit, string configuration, IOperationReporter reporter) =>
        new BackupToTapeOperation(kit.Catalog.Database, ConfiguredTapeLibraryFactory.Default).RunAsync(new BackupToTapeRequest { ConfigurationPath = configuration }, reporter, CancellationToken.None);

    private static long TornTail(TapeTestKit kit, string barcode)
    {
        using var drive = new VirtualTapeDrive("probe");
        drive.Insert(kit.Library.GetCartridgeFile(barcode));
        drive.Load();
        return drive.TornTailBytes;
    }

    [Fact]
    public async Task ObjectsWithoutTheirMirrorCopyAreMirroredByTheNextRunAndReportedUntilTheyAre()
    {
        using var kit = new TapeTestKit();
        var set = BackupToTapeOperationTests.AddBackupSet(kit, "sales", initialize: true, files: 3, seed: 5);
        // An earlier run whose mirror agent failed: the primary copies alone are recorded.
        var sources = set.Files.Select(f => new FileObjectSource(f.Path, TapeObjectNames.For(set, f), backupSetId: set.BackupSetId, expectedSha256: f.Sha256)).ToList();
        var primary = kit.Agent("A1", 0);
        var partial = TapeWriteSession.Run("failed-run", sources.Select(s => new ChainedObject(s, [primary])).ToList(), NullOperationReporter.Instance, CancellationToken.None);
        sources.ForEach(s => s.Dispose());
        kit.Catalog.RecordSession(partial.ToSessionRecord());
        var configuration = await BackupToTapeOperationTests.MirroredConfigurationAsync(kit);
        // One file has left the share since: its mirror cannot be made from it.
        var gone = set.Files[2];
        File.Delete(gone.Path);

        var reporter = new RecordingReporter();
        var first = await BackupAsync(kit, configuration, reporter);

        Assert.Equal(2, first.MirrorCopiesWritten);
        Assert.Equal([TapeObjectNames.For(set, gone)], first.MirrorsMissing);
        Assert.Equal(2, reporter.Warnings.Count(w => w.Contains("lacks its copy at mirror level 1") && w.Contains("writing that copy now")));
        Assert.Single(reporter.Warnings, w => w.Contains("is no longer on the share"));
        foreach (var file in set.Files.Take(2))
        {
            var o = kit.Catalog.GetObjects(backupSetId: set.BackupSetId).Single(x => x.SourcePath == file.Path);
            Assert.Equal([0, 1], o.Copies.Select(c => c.MirrorLevel).Order());
            var restored = await new RestoreTapeObjectOperation(kit.Catalog.Database, ConfiguredTapeLibraryFactory.Default).RunAsync(new RestoreTapeObjectRequest
            {
                LibraryPath = kit.Library.Root, ObjectIds = [o.ObjectId], Destination = kit.Directory.Combine("restore"),
            }, NullOperationReporter.Instance, CancellationToken.None);
            Assert.Equal(file.Sha256, restored.Single().Sha256);
        }
        Assert.Equal(3, kit.Catalog.GetObjects().Count);

        var again = new RecordingReporter();
        var second = await BackupAsync(kit, configuration, again);
        Assert.Equal(0, second.Objects);
        Assert.Equal(0, second.MirrorCopiesWritten);
        Assert.Equal([TapeObjectNames.For(set, gone)], second.MirrorsMissing);
        Assert.Equal(3, second.SkippedAlreadyOnTape);
        Assert.Single(again.Warnings);
        Assert.Contains("is no longer on the share", again.Warnings[0]);
    }

    [Fact]
    public void AnEarlyWarningZoneSmallerThanTwoBlocksIsRefusedWhenACartridgeIsAdded()
    {
        using var kit = new TapeTestKit(cartridges: 0);
        var error = Assert.Throws<ClusterBackupException>(() => kit.Library.AddCartridge("VT0001", 64L << 20, 4096));
        Assert.Equal(ErrorKind.InvalidArgument, error.Kind);
        Assert.Contains("EarlyWarningBytes (4096)", error.Message);
        Assert.Contains("VT0001", error.Message);
        Assert.Empty(kit.Library.GetCartridges());
    }

    [Fact]
    public async Task AnEarlyWarningZoneSmallerThanTheAgentsBlocksIsAConfigurationErrorNamingTheField()
    {
        using var kit = new TapeTestKit(cartridges: 2);
        var configuration = await BackupToTapeOperationTests.MirroredConfigurationAsync(kit);
        // library.json edited by hand: VT0002's zone is smaller than one 64 KiB block.
        var state = kit.Directory.Combine("library", "library.json");
        var json = JObject.Parse(File.ReadAllText(state));
        json["Cartridges"]!.Single(c => (string)c["Barcode"]! == "VT0002")["EarlyWarningBytes"] = 60_000;
        File.WriteAllText(state, json.ToString());

        var test = await new TestTapeAgentConfigurationOperation(ConfiguredTapeLibraryFactory.Default).RunAsync(new TestTapeAgentConfigurationRequest(configuration, kit.Library.Root),
            NullOperationReporter.Instance, CancellationToken.None);
        Assert.False(test.Valid);
        var issue = Assert.Single(test.Issues);
        Assert.Equal("Cartridges[VT0002].EarlyWarningBytes", issue.Element);
        Assert.Contains($"smaller than {TapeFormat.MinimumEarlyWarningBytes(64 * 1024)}", issue.Message);

        BackupToTapeOperationTests.AddBackupSet(kit, "sales", initialize: true, files: 1, seed: 3);
        var error = await Assert.ThrowsAsync<ClusterBackupException>(() => BackupAsync(kit, configuration, NullOperationReporter.Instance));
        Assert.Equal(ErrorKind.InvalidArgument, error.Kind);
        Assert.Contains("Cartridge VT0002: EarlyWarningBytes (60000)", error.Message);
        Assert.Empty(kit.Catalog.GetObjects());
    }

    [Fact]
    public async Task ATapeBackupKilledMidBlockLeavesReadableTapesAndTheNextRunAppendsWithoutAnErase()
    {
        using var kit = new TapeTestKit(drives: 4, cartridges: 8);
        var configuration = await BackupToTapeOperationTests.MirroredConfigurationAsync(kit);
        var first = BackupToTapeOperationTests.AddBackupSet(kit, "sales", initialize: true, files: 2, seed: 11);
        string[] Global(params string[] args) => [.. args, "--catalog", kit.CatalogPath, "--library", kit.Library.Root];

        var ok = await CliProcess.RunAsync(Global("tape", "backup", "--config", configuration));
        Assert.True(ok.ExitCode == 0, ok.Error);
        var second = BackupToTapeOperationTests.AddBackupSet(kit, "sales", initialize: false, files: 3, seed: 12);

        // The second run dies in the middle of writing its 4th block: half a record reaches the cartridge.
        var killed = await CliProcess.RunAsync(Global("tape", "backup", "--config", configuration), crashAt: "tape.block-torn#4");
        Assert.True(killed.KilledByCrashPoint, $"exit {killed.ExitCode}: {killed.Error}");
        var torn = kit.Library.GetCartridges().Where(c => TornTail(kit, c.Barcode) > 0).Select(c => c.Barcode).ToList();
        Assert.NotEmpty(torn); // the agent that crashed, and any other agent whose write the kill cut short

        // What the first run wrote is still readable and verifies.
        var verify = await CliProcess.RunAsync(Global("tape", "verify", "--all"));
        Assert.True(verify.ExitCode == 0, $"exit {verify.ExitCode}: {verify.Error} {verify.Output}");

        var retry = await CliProcess.RunAsync(Global("tape", "backup", "--config", configuration, "--verify"));
        Assert.True(retry.ExitCode == 0, retry.Error);
        Assert.Contains("interrupted", retry.Error);
        Assert.DoesNotContain("truncated", retry.Error);
        Assert.All(torn, barcode => Assert.Equal(0, TornTail(kit, barcode)));

        var objects = kit.Catalog.GetObjects();
        Assert.Equal(5, objects.Count);
        Assert.All(objects, o => Assert.Equal([0, 1], o.Copies.Select(c => c.MirrorLevel).Order()));
        var destination = kit.Directory.Combine("restore");
        var restored = await new RestoreTapeObjectOperation(kit.Catalog.Database, ConfiguredTapeLibraryFactory.Default).RunAsync(new RestoreTapeObjectRequest
        {
            LibraryPath = kit.Library.Root, ObjectIds = objects.Select(o => o.ObjectId).ToList(), Destination = destination,
        }, NullOperationReporter.Instance, CancellationToken.None);
        foreach (var file in first.Files.Concat(second.Files))
            Assert.Equal(file.Sha256, restored.Single(r => objects.Single(o => o.ObjectId == r.ObjectId).SourcePath == file.Path).Sha256);
        Assert.All(restored, r => Assert.Equal(Convert.ToHexString(SHA256.HashData(File.ReadAllBytes(r.Path))).ToLowerInvariant(), r.Sha256));
    }
}
