using ClusterBackup.Engine.Catalog;
using ClusterBackup.Engine.Common;
using ClusterBackup.Engine.Tests.Cli;
using ClusterBackup.Engine.Tests.Tape;
using Newtonsoft.Json.Linq;

namespace ClusterBackup.Engine.Tests.FaultInjection;

/// <summary>
/// Two tape backups of one virtual library in two real CLI processes: one writer per library at a time (the library's lock
/// file), each run either succeeds or refuses naming the library and the holder, and every catalogued object restores byte-identical.
/// </summary>
public class ConcurrentTapeBackupTests
{
    private sealed class Setup : IDisposable
    {
        public Setup()
        {
            Kit = new TapeTestKit(drives: 1, cartridges: 0);
            Library = Kit.Directory.Combine("vtl");
            Run("tape", "library", "create", Library, "--drives", "2", "--slots", "10");
            Run("tape", "cartridge", "add", "VT0001", "VT0002", "VT0003", "--capacity", "67108864");
            Configuration = Kit.Directory.Combine("agents.json");
            Run("tape", "config", "new", Configuration, "--drive", "drive0", "--pool", "Daily", "--block-size", "65536");
            SetA = BackupToTapeOperationTests.AddBackupSet(Kit, "sales", initialize: true, files: 3, seed: 11);
            SetB = BackupToTapeOperationTests.AddBackupSet(Kit, "stock", initialize: true, files: 3, seed: 23);
        }

        public TapeTestKit Kit { get; }
        public string Library { get; }
        public string Configuration { get; }
        public BackupSet SetA { get; }
        public BackupSet SetB { get; }

        public string[] Global(params string[] args) => [.. args, "--catalog", Kit.CatalogPath, "--library", Library];

        public string Run(params string[] args)
        {
            var (code, output, error) = CliHarness.Run(Global(args));
            Assert.True(code == 0, $"clusterbackup {string.Join(' ', args)}: {error}");
            return output;
        }

        public string[] Backup(BackupSet set) => Global("tape", "backup", "--config", Configuration, "--backup-set", set.BackupSetId.ToString());

        /// <summary>Every catalogued tape object, restored, equals the file it was written from.</summary>
        public void EveryObjectRestoresByteIdentical(int expected)
        {
            var objects = JArray.Parse(Run("tape", "list", "--output", "json"));
            Assert.Equal(expected, objects.Count);
            foreach (var o in objects)
            {
                var destination = Kit.Directory.Combine("restore-" + (string)o["ObjectId"]!);
                Run("tape", "restore", "--object", (string)o["ObjectId"]!, "--destination", destination);
                Assert.Equal(File.ReadAllBytes((string)o["SourcePath"]!), File.ReadAllBytes(Path.Combine(destination, (string)o["Name"]!)));
            }
        }

        public void Dispose() => Kit.Dispose();
    }

    [Fact]
    public async Task ASecondTapeBackupWhileTheFirstWritesRefusesNamingTheLibraryAndTheHolder()
    {
        using var setup = new Setup();
        var pauses = setup.Kit.Directory.Combine("pauses");
        Directory.CreateDirectory(pauses);
        var first = CliProcess.RunAsync(setup.Backup(setup.SetA), new Dictionary<string, string>
        {
            [PausePoint.EnvironmentVariable] = "tape.locked", [PausePoint.DirectoryVariable] = pauses,
        });
        var reached = Path.Combine(pauses, "tape.locked.reached");
        await WaitForFileAsync(reached, first);
        var holder = File.ReadAllText(reached).Trim();

        var second = await CliProcess.RunAsync(setup.Backup(setup.SetB), new Dictionary<string, string> { [WriterLock.WaitEnvironmentVariable] = "0" });
        Assert.Equal(1, second.ExitCode);
        Assert.Contains("tape library vtl", second.Error, StringComparison.OrdinalIgnoreCase);
        Assert.Contains($"process {holder}", second.Error);
        Assert.Contains(Environment.MachineName, second.Error);

        File.WriteAllText(Path.Combine(pauses, "tape.locked.release"), "");
        var done = await first;
        Assert.True(done.ExitCode == 0, done.Error);

        // The refused run left nothing; run again, it appends after the first session.
        var again = await CliProcess.RunAsync(setup.Backup(setup.SetB));
        Assert.True(again.ExitCode == 0, again.Error);
        setup.EveryObjectRestoresByteIdentical(6);
    }

    [Fact]
    public async Task TwoTapeBackupsStartedTogetherBothSucceedOneAfterTheOtherAndEveryObjectRestores()
    {
        using var setup = new Setup();
        var a = CliProcess.RunAsync(setup.Backup(setup.SetA));
        var b = CliProcess.RunAsync(setup.Backup(setup.SetB));
        var results = await Task.WhenAll(a, b);
        foreach (var r in results)
            Assert.True(r.ExitCode == 0, r.Error);
        setup.EveryObjectRestoresByteIdentical(6);
    }

    [Fact]
    public async Task ALockHeldByAKilledWriterDoesNotBlockTheNextOne()
    {
        using var setup = new Setup();
        var killed = await CliProcess.RunAsync(setup.Backup(setup.SetA), crashAt: "tape.block-torn");
        Assert.True(killed.KilledByCrashPoint, killed.Error);
        Assert.True(File.Exists(Path.Combine(setup.Library, "library.lock")));

        // No wait: the dead holder's lock went with its process.
        var next = await CliProcess.RunAsync(setup.Backup(setup.SetA), new Dictionary<string, string> { [WriterLock.WaitEnvironmentVariable] = "0" });
        Assert.True(next.ExitCode == 0, next.Error);
        setup.EveryObjectRestoresByteIdentical(3);
    }

    private static async Task WaitForFileAsync(string path, Task<CliProcessResult> process)
    {
        using var deadline = new CancellationTokenSource(TimeSpan.FromMinutes(2));
        while (!File.Exists(path))
        {
            if (process.IsCompleted)
            {
                var r = await process;
                Assert.Fail($"The first backup ended (exit {r.ExitCode}) before its pause point: {r.Error}");
            }
            await Task.Delay(50, deadline.Token);
        }
    }
}
