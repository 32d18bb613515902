using ClusterBackup.Engine.Common;
using ClusterBackup.Engine.Tape;
using ClusterBackup.Engine.Tape.Library;
using ClusterBackup.Engine.Tests.Tape;
using Xunit.Abstractions;

namespace ClusterBackup.Engine.Tests.FaultInjection;

/// <summary>
/// Tape backups of a virtual library with a cascaded mirror (two backup drives, two mirror drives) killed (SIGKILL, the CLI out of
/// process) at each named point of the tape write path, then at seeded random moments. After every kill: no child survives, the
/// next tape backup appends (no relabel, no erase: every earlier copy still reads back), every catalogued object has its copy at
/// every mirror level of its chain and each copy reads back with the right SHA-256, and an object whose mirror copy is missing before a
/// run is mirrored by that run, which says so (the catalog commit is one transaction, so a kill alone does not leave one).
/// </summary>
public sealed class TapeBackupCrashMatrixTests(ITestOutputHelper output)
{
    /// <summary>In the order a session reaches them: an object's data record written, a primary copy ended, around the catalog commit.</summary>
    public static readonly string[] Points = ["tape.mid-object#3", "tape.after-primary-object", "tape.before-catalog-commit", "tape.after-catalog-commit"];

    [Fact]
    public async Task AMirroredTapeBackupKilledAtEachPointAndAtSeededMomentsKeepsTheInvariants()
    {
        var seed = BackupCrashMatrixTests.CrashSeed;
        output.WriteLine($"crash seed {seed} (CLUSTERBACKUP_TEST_CRASH_SEED={seed} replays it)");
        var random = new Random(seed);
        using var kit = new TapeTestKit(drives: 4, cartridges: 8);

        var unmirrored = BackupToTapeOperationTests.AddBackupSet(kit, "sales", initialize: true, files: 2, seed: 100);
        var configuration = await BackupToTapeOperationTests.MirroredConfigurationAsync(kit);
        string[] Global(params string[] args) => [.. args, "--catalog", kit.CatalogPath, "--library", kit.Library.Root];
        string[] Backup() => Global("tape", "backup", "--config", configuration);

        var kills = Points.Select(p => (Point: (string?)p, Delay: (TimeSpan?)null))
            .Concat(Enumerable.Range(0, 2).Select(_ => (Point: (string?)null, Delay: (TimeSpan?)TimeSpan.FromMilliseconds(random.Next(200, 1500)))))
            .ToList();
        var files = unmirrored.Files.ToList();
        for (var i = 0; i < kills.Count; i++)
        {
            var (point, delay) = kills[i];
            files.AddRange(BackupToTapeOperationTests.AddBackupSet(kit, "sales", initialize: false, files: 2, seed: 101 + i).Files);
            var what = point is not null ? $"crash point {point}" : $"SIGKILL after {delay!.Value.TotalMilliseconds:F0} ms";
            var killed = await CliProcess.RunAsync(Backup(), crashAt: point, killAfter: delay);
            output.WriteLine($"tape backup, {what}: {(killed.KilledByCrashPoint || killed.KilledByTest ? "killed" : $"finished with exit {killed.ExitCode}")}");
            if (point is not null)
                Assert.True(killed.KilledByCrashPoint, $"tape backup at {point}: exit {killed.ExitCode}: {killed.Error}");
            else
                Assert.True(killed.KilledByTest || killed.ExitCode == 0, $"tape backup, {what}: exit {killed.ExitCode}: {killed.Error}");
            Assert.Empty(await ProcessTable.SurvivorsAsync(kit.Library.Root));
            var mirrorsMissing = kit.Catalog.GetObjects().Any(o => o.Copies.All(c => c.MirrorLevel != 1));

            var next = await CliProcess.RunAsync(Backup());
            Assert.True(next.ExitCode == 0, $"the tape backup after the one killed at {what}: exit {next.ExitCode}: {next.Error}");
            if (mirrorsMissing)
                Assert.Contains("lacks its copy at mirror level 1", next.Error);

            // Every file of every set is on tape once, with a copy at each level of its chain; every copy, old and new, reads back.
            var objects = kit.Catalog.GetObjects();
            Assert.True(files.Select(f => f.Path).Order().SequenceEqual(objects.Select(o => o.SourcePath!).Order()),
                $"after the tape backup killed at {what}, the catalogued objects are not the files once each: " +
                string.Join("; ", objects.Select(o => $"{o.SourcePath} {o.ObjectId} levels [{string.Join(",", o.Copies.Select(c => c.MirrorLevel))}]")) + $" {next.Error}");
            Assert.All(objects, o => Assert.Equal([0, 1], o.Copies.Select(c => c.MirrorLevel).Distinct().Order()));
            Assert.All(objects, o => Assert.Equal(files.Single(f => f.Path == o.SourcePath).Sha256, o.Sha256));
            var verify = await CliProcess.RunAsync(Global("tape", "verify", "--all"));
            Assert.True(verify.ExitCode == 0, $"tape verify --all after the tape backup killed at {what}: exit {verify.ExitCode}: {verify.Error}{verify.Output}");
        }

        var restored = await new RestoreTapeObjectOperation(kit.Catalog.Database, ConfiguredTapeLibraryFactory.Default).RunAsync(new RestoreTapeObjectRequest
        {
            LibraryPath = kit.Library.Root, ObjectIds = kit.Catalog.GetObjects().Select(o => o.ObjectId).ToList(), Destination = kit.Directory.Combine("restore"),
        }, NullOperationReporter.Instance, CancellationToken.None);
        Assert.Equal(files.Count, restored.Count);
        Assert.All(restored, r => Assert.Equal(files.Single(f => f.Path == kit.Catalog.GetObjects().Single(o => o.ObjectId == r.ObjectId).SourcePath).Sha256, r.Sha256));
    }
}
