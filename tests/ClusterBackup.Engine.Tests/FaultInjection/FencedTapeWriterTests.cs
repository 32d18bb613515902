using System.Globalization;
using ClusterBackup.Engine.Common;
using ClusterBackup.Engine.Tape;
using ClusterBackup.Engine.Tape.Drives;
using ClusterBackup.Engine.Tape.Library;
using ClusterBackup.Engine.Tests.Cli;
using ClusterBackup.Engine.Tests.Tape;
using Newtonsoft.Json.Linq;

namespace ClusterBackup.Engine.Tests.FaultInjection;

/// <summary>
/// A tape writer whose library lock is lost while it is held still mid-session, in real CLI processes: a second writer takes the
/// lock with a higher fencing token and appends to the same cartridge; when the first goes on, the cartridge's fence refuses it
/// (ResourceBusy, WriterFenced, both tokens named) before it writes another block, and the second writer's copies read back whole.
/// </summary>
public sealed class FencedTapeWriterTests
{
    [Fact]
    public async Task AWriterWhoseLockWasTakenOverMidSessionIsRefusedAndTheNewHoldersDataReadsBack()
    {
        using var kit = new TapeTestKit(drives: 1, cartridges: 2);
        var root = kit.Library.Root;
        string[] Global(params string[] args) => [.. args, "--catalog", kit.CatalogPath, "--library", root];
        var configuration = kit.Directory.Combine("agents.json");
        var (code, _, error) = CliHarness.Run(Global("tape", "config", "new", configuration, "--drive", "drive0", "--pool", "Daily", "--block-size", "65536"));
        Assert.True(code == 0, error);
        string[] Backup(Guid set) => Global("tape", "backup", "--config", configuration, "--backup-set", set.ToString());
        var lockPath = Path.Combine(root, TapeContext.WriterLockFileName);
        long Token() => long.Parse(File.ReadAllText(WriterLock.TokenPath(lockPath)).Trim(), CultureInfo.InvariantCulture);

        // A first session labels VT0001 and leaves it appendable: the cartridge both writers below append to.
        var first = BackupToTapeOperationTests.AddBackupSet(kit, "sales", initialize: true, files: 1, seed: 31);
        var labelling = await CliProcess.RunAsync(Backup(first.BackupSetId));
        Assert.True(labelling.ExitCode == 0, labelling.Error);
        Assert.Equal(1, Token());

        var setA = BackupToTapeOperationTests.AddBackupSet(kit, "sales", initialize: false, files: 3, seed: 32);
        var setB = BackupToTapeOperationTests.AddBackupSet(kit, "stock", initialize: true, files: 3, seed: 33);
        var pauses = kit.Directory.Combine("pauses");
        Directory.CreateDirectory(pauses);
        var a = CliProcess.RunAsync(Backup(setA.BackupSetId), new Dictionary<string, string>
        {
            [PausePoint.EnvironmentVariable] = "tape.block-written", [PausePoint.DirectoryVariable] = pauses,
        });
        var reached = Path.Combine(pauses, "tape.block-written.reached");
        await WaitForFileAsync(reached, a);
        var processA = File.ReadAllText(reached).Trim();
        Assert.Equal(2, Token());

        // A's lock is lost as when a network lock is reclaimed: the lock file is replaced, so a new lock on the new file succeeds at once;
        // and the library state names A's process as one the next holder cannot see (as from another host), so its drive is free.
        File.Delete(lockPath);
        var statePath = Path.Combine(root, VirtualTapeLibrary.StateFileName);
        var state = JObject.Parse(File.ReadAllText(statePath));
        var heldByA = state["Drives"]!.Single(d => (string?)d["LoadedByProcess"] == processA);
        Assert.Equal("VT0001", (string?)heldByA["Barcode"]);
        heldByA["LoadedByProcessStarted"] = new DateTime(2000, 1, 1, 0, 0, 0, DateTimeKind.Utc);
        File.WriteAllText(statePath, state.ToString());

        var b = await CliProcess.RunAsync(Backup(setB.BackupSetId), new Dictionary<string, string> { [WriterLock.WaitEnvironmentVariable] = "0" });
        Assert.True(b.ExitCode == 0, b.Error);
        Assert.Equal(3, Token());
        Assert.Equal(3, CartridgeFence.Read(CartridgeFence.PathFor(Path.Combine(root, "cartridges", "VT0001.tap")), "VT0001")!.Token);
        var bytesAfterB = new FileInfo(Path.Combine(root, "cartridges", "VT0001.tap")).Length;

        File.WriteAllText(Path.Combine(pauses, "tape.block-written.release"), "");
        var refused = await a;
        Assert.False(refused.KilledByCrashPoint || refused.KilledByTest);
        Assert.Equal(1, refused.ExitCode); // ResourceBusy
        Assert.Contains("(WriterFenced)", refused.Error);
        Assert.Contains("fencing token 3", refused.Error);
        Assert.Contains("this writer's token 2", refused.Error);
        Assert.Contains("cartridge VT0001 of tape library", refused.Error, StringComparison.OrdinalIgnoreCase);
        // A wrote nothing after B: not a block, not a file mark.
        Assert.Equal(bytesAfterB, new FileInfo(Path.Combine(root, "cartridges", "VT0001.tap")).Length);

        var objectsB = kit.Catalog.GetObjects().Where(o => o.BackupSetId == setB.BackupSetId).ToList();
        Assert.Equal(setB.Files.Select(f => (f.Path, f.Sha256)).Order(), objectsB.Select(o => (o.SourcePath!, o.Sha256)).Order());
        Assert.All(objectsB, o => Assert.NotEmpty(o.Copies));
        Assert.DoesNotContain(kit.Catalog.GetObjects(), o => o.BackupSetId == setA.BackupSetId && o.Copies.Count > 0);
        var verify = await CliProcess.RunAsync(Global(["tape", "verify", .. objectsB.SelectMany(o => new[] { "--object", o.ObjectId.ToString() })]));
        Assert.True(verify.ExitCode == 0, verify.Error + verify.Output);

        // The refused writer run again takes the next token and appends after B; every copy on the cartridge reads back.
        var again = await CliProcess.RunAsync(Backup(setA.BackupSetId), new Dictionary<string, string> { [WriterLock.WaitEnvironmentVariable] = "0" });
        Assert.True(again.ExitCode == 0, again.Error);
        Assert.Equal(4, Token());
        var all = await CliProcess.RunAsync(Global("tape", "verify", "--all"));
        Assert.True(all.ExitCode == 0, all.Error + all.Output);
        Assert.Equal(7, kit.Catalog.GetObjects().Count(o => o.Copies.Count > 0));
    }

    private static async Task WaitForFileAsync(string path, Task<CliProcessResult> process)
    {
        using var deadline = new CancellationTokenSource(TimeSpan.FromMinutes(2));
        while (!File.Exists(path))
        {
            if (process.IsCompleted)
            {
                var r = await process;
                Assert.Fail($"The first writer ended (exit {r.ExitCode}) before its pause point: {r.Error}");
            }
            await Task.Delay(50, deadline.Token);
        }
    }
}
