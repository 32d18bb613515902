using ClusterBackup.Engine.Databases.PostgreSql;
using ClusterBackup.Engine.Tests.Databases.PostgreSql;
using Xunit.Abstractions;

namespace ClusterBackup.Engine.Tests.FaultInjection;

/// <summary>
/// A PostgreSQL restore (the CLI, out of process, from the real pair's backups) killed at each point of its work: before it
/// finishes, the target carries the incomplete marker beside it and never passes for a restored copy, no child survives,
/// and the next restore into the same target removes the leftover and succeeds. Killed after it finished, the copy stands.
/// </summary>
public sealed class RestoreCrashMatrixTests(PostgreSqlPair pair, ITestOutputHelper output) : IClassFixture<PostgreSqlPair>
{
    public static readonly string[] Points = ["restore.mid-write", "restore.before-recovery", "restore.before-complete", "restore.after-complete"];

    [Fact]
    public async Task ARestoreKilledAtEachPointNeverLeavesAHalfRestoredCopyThatLooksRestored()
    {
        var root = Path.Combine(pair.Root, "restore-crash-" + Guid.NewGuid().ToString("N")[..8]);
        var share = Path.Combine(root, "share");
        Directory.CreateDirectory(share);
        var catalog = Path.Combine(root, "catalog.db");
        string[] Common(string verb) => [verb, "--config", pair.ConfigurationPath, "--catalog", catalog, "--server", PostgreSqlPair.VirtualServer, "--database", PostgreSqlPair.Database];
        var full = await CliProcess.RunAsync([.. Common("backup"), "--share", share, "--init"]);
        Assert.True(full.ExitCode == 0, full.Error);
        PostgreSqlPair.Execute(pair.PrimaryPort, PostgreSqlPair.Database, "SELECT pg_switch_wal()");
        var log = await CliProcess.RunAsync([.. Common("backup"), "--share", share, "--type", "Log"]);
        Assert.True(log.ExitCode == 0, log.Error);

        foreach (var point in Points)
        {
            var target = Path.Combine(root, "restored-" + point.Replace('.', '-'));
            var incomplete = target + PostgreSqlRestore.IncompleteSuffix;
            var killed = await CliProcess.RunAsync([.. Common("restore"), "--target", target], crashAt: point);
            output.WriteLine($"restore, crash point {point}: {(killed.KilledByCrashPoint ? "killed" : $"exit {killed.ExitCode}")}");
            Assert.True(killed.KilledByCrashPoint, $"restore at {point}: exit {killed.ExitCode}: {killed.Error}");
            Assert.Empty(await ProcessTable.SurvivorsAsync(target));
            if (point == "restore.after-complete")
            {
                Assert.False(File.Exists(incomplete), "a finished restore keeps its incomplete marker");
                Assert.True(File.Exists(Path.Combine(target, "PG_VERSION")));
                continue;
            }
            Assert.True(File.Exists(incomplete), $"killed at {point}, '{target}' has no incomplete marker beside it");
            var again = await CliProcess.RunAsync([.. Common("restore"), "--target", target]);
            Assert.True(again.ExitCode == 0, $"the restore after one killed at {point}: exit {again.ExitCode}: {again.Error}");
            Assert.Contains("interrupted restore", again.Error);
            Assert.False(File.Exists(incomplete));
            Assert.True(File.Exists(Path.Combine(target, "PG_VERSION")));
            Assert.Empty(await ProcessTable.SurvivorsAsync(target));
        }
    }
}
