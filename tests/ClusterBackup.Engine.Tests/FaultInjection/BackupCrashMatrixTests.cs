using ClusterBackup.Engine.Backup;
using ClusterBackup.Engine.Catalog;
using ClusterBackup.Engine.Tests.Databases.PostgreSql;
using Xunit.Abstractions;

namespace ClusterBackup.Engine.Tests.FaultInjection;

/// <summary>
/// Full and log backups of the real PostgreSQL pair killed (SIGKILL, through the CLI out of process) at each named point of
/// their state change, then at seeded random moments. After every kill the invariants hold: the next backup and a verify of
/// every catalogued set succeed, no child process survives, and nothing the catalog does not name looks complete (it is a
/// .partial folder, or the next run names it in a warning).
/// </summary>
public sealed class BackupCrashMatrixTests(PostgreSqlPair pair, ITestOutputHelper output) : IClassFixture<PostgreSqlPair>
{
    /// <summary>In the order a backup reaches them: before the engine writes, while it writes, around the rename of its
    /// folder into place, around the catalog commit.</summary>
    public static readonly string[] Points =
        ["backup.before-write", "backup.mid-write", "backup.before-rename", "backup.after-rename", "backup.before-commit", "backup.after-commit"];

    public const int DefaultSeed = 20261203;

    /// <summary>The seed of the random crash moments: CLUSTERBACKUP_TEST_CRASH_SEED, else <see cref="DefaultSeed"/>.</summary>
    public static int CrashSeed => int.TryParse(Environment.GetEnvironmentVariable("CLUSTERBACKUP_TEST_CRASH_SEED"), out var seed) ? seed : DefaultSeed;

    [Fact]
    public async Task AFullBackupKilledAtEachPointLeavesNothingTheNextRunAndVerifyDistrust()
    {
        var run = new Run(pair, "full");
        foreach (var point in Points)
            await run.KillAndRecoverAsync(BackupType.Full, point, output);
        await run.VerifyAllAsync();
    }

    [Fact]
    public async Task ALogBackupKilledAtEachPointLeavesNothingTheNextRunAndVerifyDistrust()
    {
        var run = new Run(pair, "log");
        await run.BackupAsync(BackupType.Full, init: true);
        foreach (var point in Points)
        {
            run.WriteWal();
            await run.KillAndRecoverAsync(BackupType.Log, point, output);
        }
        await run.VerifyAllAsync();
    }

    /// <summary>Kills at moments drawn from a seed (printed; CLUSTERBACKUP_TEST_CRASH_SEED replays it): a point and the how-manieth time
    /// it is reached, or a SIGKILL from the test after a drawn delay, which lands wherever the run then is.</summary>
    [Fact]
    public async Task BackupsKilledAtSeededRandomMomentsKeepTheInvariants()
    {
        var seed = CrashSeed;
        output.WriteLine($"crash seed {seed} (CLUSTERBACKUP_TEST_CRASH_SEED={seed} replays it)");
        var random = new Random(seed);
        var run = new Run(pair, "random");
        await run.BackupAsync(BackupType.Full, init: true);
        for (var i = 0; i < 4; i++)
        {
            var type = random.Next(2) == 0 ? BackupType.Full : BackupType.Log;
            if (type == BackupType.Log)
                run.WriteWal();
            if (random.Next(2) == 0)
            {
                var point = Points[random.Next(Points.Length)];
                var nth = point == "backup.mid-write" ? random.Next(1, 3) : 1;
                await run.KillAndRecoverAsync(type, nth == 1 ? point : $"{point}#{nth}", output, mayFinish: nth > 1);
            }
            else
            {
                await run.KillAfterAndRecoverAsync(type, TimeSpan.FromMilliseconds(random.Next(300, 3000)), output);
            }
        }
        await run.VerifyAllAsync();
    }

    private sealed class Run
    {
        private readonly PostgreSqlPair _pair;

        public Run(PostgreSqlPair pair, string name)
        {
            _pair = pair;
            Root = Path.Combine(pair.Root, $"crash-{name}-{Guid.NewGuid().ToString("N")[..8]}");
            Share = Path.Combine(Root, "share");
            Directory.CreateDirectory(Share);
            CatalogPath = Path.Combine(Root, "catalog.db");
        }

        public string Root { get; }
        public string Share { get; }
        public string CatalogPath { get; }

        private string[] Backup(BackupType type, bool init) =>
            ["backup", "--config", _pair.ConfigurationPath, "--catalog", CatalogPath, "--server", PostgreSqlPair.VirtualServer,
             "--database", PostgreSqlPair.Database, "--share", Share, "--type", type.ToString(), .. init ? new[] { "--init" } : []];

        public async Task BackupAsync(BackupType type, bool init)
        {
            var result = await CliProcess.RunAsync(Backup(type, init));
            Assert.True(result.ExitCode == 0, $"{type} backup: exit {result.ExitCode}: {result.Error}");
        }

        /// <summary>Some new WAL for the next log backup to take.</summary>
        public void WriteWal()
        {
            PostgreSqlPair.Execute(_pair.PrimaryPort, PostgreSqlPair.Database, "CREATE TABLE IF NOT EXISTS crash_rows (n int); INSERT INTO crash_rows SELECT generate_series(1, 100)");
            PostgreSqlPair.Execute(_pair.PrimaryPort, PostgreSqlPair.Database, "SELECT pg_switch_wal()");
        }

        public async Task KillAndRecoverAsync(BackupType type, string point, ITestOutputHelper output, bool mayFinish = false)
        {
            var killed = await CliProcess.RunAsync(Backup(type, init: false), crashAt: point);
            output.WriteLine($"{type} backup, crash point {point}: {(killed.KilledByCrashPoint ? "killed" : $"finished with exit {killed.ExitCode}")}");
            if (!mayFinish)
                Assert.True(killed.KilledByCrashPoint, $"{type} backup at {point}: exit {killed.ExitCode}: {killed.Error}");
            else
                Assert.True(killed.KilledByCrashPoint || killed.ExitCode == 0, $"{type} backup at {point}: exit {killed.ExitCode}: {killed.Error}");
            await RecoverAsync(type, $"{type} backup killed at {point}");
        }

        public async Task KillAfterAndRecoverAsync(BackupType type, TimeSpan delay, ITestOutputHelper output)
        {
            var killed = await CliProcess.RunAsync(Backup(type, init: false), killAfter: delay);
            output.WriteLine($"{type} backup, SIGKILL after {delay.TotalMilliseconds:F0} ms: {(killed.KilledByTest ? "killed" : $"finished with exit {killed.ExitCode}")}");
            Assert.True(killed.KilledByTest || killed.ExitCode == 0, $"{type} backup killed after {delay}: exit {killed.ExitCode}: {killed.Error}");
            await RecoverAsync(type, $"{type} backup killed after {delay.TotalMilliseconds:F0} ms");
        }

        private async Task RecoverAsync(BackupType type, string what)
        {
            Assert.Empty(await ProcessTable.SurvivorsAsync(Share));
            var next = await CliProcess.RunAsync(Backup(type, init: false));
            Assert.True(next.ExitCode == 0, $"the backup after the {what}: exit {next.ExitCode}: {next.Error}");
            var catalogued = CataloguedEntries();
            var warned = next.Error.Split('\n').Where(l => l.StartsWith("WARNING:", StringComparison.Ordinal)).ToList();
            foreach (var mediaSet in new BackupSetCatalog(CatalogDatabase.Open(CatalogPath)).GetMediaSets())
                foreach (var entry in Directory.GetFileSystemEntries(mediaSet.SharePath))
                {
                    if (catalogued.Contains(entry) || entry.EndsWith(".partial", StringComparison.Ordinal) || Path.GetFileName(entry).StartsWith('.'))
                        continue;
                    Assert.True(warned.Any(w => w.Contains(entry, StringComparison.Ordinal)),
                        $"after the {what}, '{entry}' looks complete, is not in the catalog, and the next run did not name it: {next.Error}");
                }
            var verify = await CliProcess.RunAsync(["verify", "--config", _pair.ConfigurationPath, "--catalog", CatalogPath, "--server", PostgreSqlPair.VirtualServer,
                "--database", PostgreSqlPair.Database]);
            Assert.True(verify.ExitCode == 0, $"verify after the {what}: exit {verify.ExitCode}: {verify.Error}{verify.Output}");
        }

        /// <summary>Every file and folder a catalogued set names, with the folders that hold them.</summary>
        private HashSet<string> CataloguedEntries()
        {
            var entries = new HashSet<string>(StringComparer.Ordinal);
            foreach (var set in new BackupSetCatalog(CatalogDatabase.Open(CatalogPath)).GetBackupSets())
                foreach (var file in set.Files)
                    for (var path = file.Path; !string.IsNullOrEmpty(path) && path.Length > Share.Length; path = Path.GetDirectoryName(path))
                        entries.Add(path);
            return entries;
        }

        public async Task VerifyAllAsync()
        {
            var verify = await CliProcess.RunAsync(["verify", "--all", "--config", _pair.ConfigurationPath, "--catalog", CatalogPath,
                "--server", PostgreSqlPair.VirtualServer, "--database", PostgreSqlPair.Database]);
            Assert.True(verify.ExitCode == 0, $"verify --all: exit {verify.ExitCode}: {verify.Error}{verify.Output}");
            Assert.Empty(await ProcessTable.SurvivorsAsync(Share));
        }
    }
}
