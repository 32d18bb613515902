using ClusterBackup.Engine.Tests.Digest;
using Xunit.Abstractions;

namespace ClusterBackup.Engine.Tests.FaultInjection;

/// <summary>
/// A repair killed after a chosen number of written blocks (the CLI, out of process), at a fixed point and at points drawn
/// from a printed seed: a half-repaired backup is never reported equal, and the next repair makes it byte-identical.
/// </summary>
public sealed class DigestRepairCrashTests(ITestOutputHelper output)
{
    [Fact]
    public async Task ARepairKilledPartWayIsFinishedByTheNextRepair()
    {
        var seed = BackupCrashMatrixTests.CrashSeed;
        output.WriteLine($"crash seed {seed} (CLUSTERBACKUP_TEST_CRASH_SEED={seed} replays it)");
        var random = new Random(seed);
        using var folder = new TempDirectory("repair-crash");
        var primary = folder.Combine("primary.img");
        var backup = folder.Combine("backup.img");
        File.WriteAllBytes(primary, DigestTestData.RandomBytes(4 << 20, seed));
        foreach (var blocks in new[] { 1, 300, random.Next(2, 512), random.Next(2, 512) })
        {
            var damaged = File.ReadAllBytes(primary);
            for (var block = 0; block < 1024; block += 2)
                damaged[block * 4096 + random.Next(4096)] ^= 0x5A;
            File.WriteAllBytes(backup, damaged);
            string[] repair = ["digest", "compare", primary, "--backup", backup, "--repair", "--block-size", "4096"];

            var killed = await CliProcess.RunAsync(repair, crashAt: $"digest.repair-block#{blocks}");
            output.WriteLine($"repair killed after block {blocks}: {(killed.KilledByCrashPoint ? "killed" : $"exit {killed.ExitCode}")}");
            Assert.True(killed.KilledByCrashPoint, $"exit {killed.ExitCode}: {killed.Error}");
            Assert.NotEqual(File.ReadAllBytes(primary), File.ReadAllBytes(backup));

            var compare = await CliProcess.RunAsync(["digest", "compare", primary, "--backup", backup, "--block-size", "4096"]);
            Assert.True(compare.ExitCode != 0 || !compare.Output.Contains("True", StringComparison.Ordinal),
                $"a half-repaired backup was reported equal: {compare.Output}");
            var next = await CliProcess.RunAsync(repair);
            Assert.True(next.ExitCode == 0, next.Error);
            Assert.Equal(File.ReadAllBytes(primary), File.ReadAllBytes(backup));
        }
    }
}
