using ClusterBackup.Engine.Catalog;
using ClusterBackup.Engine.Common;
using ClusterBackup.Engine.Databases.PostgreSql;
using ClusterBackup.Engine.Tests.Cli;
using ClusterBackup.Engine.Tests.Databases.PostgreSql;

namespace ClusterBackup.Engine.Tests.FaultInjection;

/// <summary>
/// A full backup without -Initialize and one with it, of one database, in two real CLI processes against a real PostgreSQL
/// pair: the media set is chosen and the backup recorded under one lock per database and type, so the second waits or
/// refuses, and no backup set is ever recorded in a media set whose folder does not hold its files.
/// </summary>
public sealed class ConcurrentDatabaseBackupTests(PostgreSqlPair pair) : IClassFixture<PostgreSqlPair>
{
    private sealed class Scene : IDisposable
    {
        public Scene(PostgreSqlPair pair)
        {
            Root = Path.Combine(pair.Root, "concurrent-" + Guid.NewGuid().ToString("N")[..8]);
            Share = Path.Combine(Root, "share");
            Directory.CreateDirectory(Share);
            Common = ["--config", pair.ConfigurationPath, "--catalog", Path.Combine(Root, "catalog.db")];
            CatalogPath = Path.Combine(Root, "catalog.db");
        }

        public string Root { get; }
        public string Share { get; }
        public string CatalogPath { get; }
        public string[] Common { get; }

        public string[] Log() =>
            ["backup", "--server", PostgreSqlPair.VirtualServer, "--database", PostgreSqlPair.Database, "--type", "Log", "--share", Share, .. Common];

        public string[] Full(bool init) =>
            ["backup", "--server", PostgreSqlPair.VirtualServer, "--database", PostgreSqlPair.Database, "--type", "Full", "--share", Share, .. (init ? new[] { "--init" } : []), .. Common];

        /// <summary>Every backup set's files lie in the folder of the media set it is recorded in.</summary>
        public void EverySetLiesInItsMediaSet(int expectedSets, int expectedMediaSets)
        {
            var catalog = new BackupSetCatalog(CatalogDatabase.Open(CatalogPath));
            var mediaSets = catalog.GetMediaSets().ToDictionary(m => m.MediaSetId);
            var sets = catalog.GetBackupSets();
            Assert.Equal(expectedSets, sets.Count);
            Assert.Equal(expectedMediaSets, mediaSets.Count);
            Assert.Single(mediaSets.Values, m => m.Status == MediaSetStatus.Active);
            foreach (var set in sets)
            {
                var folder = Path.GetFullPath(mediaSets[set.MediaSetId].SharePath) + Path.DirectorySeparatorChar;
                Assert.NotEmpty(set.Files);
                foreach (var file in set.Files)
                {
                    Assert.True(Path.GetFullPath(file.Path).StartsWith(folder, StringComparison.Ordinal),
                        $"Backup set {set.BackupSetId} is recorded in media set {set.MediaSetId} ({folder}), but its file {file.Path} lies elsewhere.");
                    Assert.True(File.Exists(file.Path), file.Path);
                }
            }
        }

        public void Dispose()
        {
            try { Directory.Delete(Root, true); } catch (IOException) { }
        }
    }

    [Fact]
    public async Task AFullWithInitWhileAFullWithoutInitWritesRefusesAndNothingIsMisfiled()
    {
        using var scene = new Scene(pair);
        var (code, _, error) = CliHarness.Run(scene.Full(init: true));
        Assert.True(code == 0, error);

        var pauses = Path.Combine(scene.Root, "pauses");
        Directory.CreateDirectory(pauses);
        var appending = CliProcess.RunAsync(scene.Full(init: false), new Dictionary<string, string>
        {
            [PausePoint.EnvironmentVariable] = "backup.media-set-chosen", [PausePoint.DirectoryVariable] = pauses,
        });
        var reached = Path.Combine(pauses, "backup.media-set-chosen.reached");
        using (var deadline = new CancellationTokenSource(TimeSpan.FromMinutes(2)))
            while (!File.Exists(reached))
            {
                if (appending.IsCompleted)
                    Assert.Fail($"The appending backup ended before choosing its media set: {(await appending).Error}");
                await Task.Delay(50, deadline.Token);
            }
        var holder = File.ReadAllText(reached).Trim();

        var init = await CliProcess.RunAsync(scene.Full(init: true), new Dictionary<string, string> { [WriterLock.WaitEnvironmentVariable] = "0" });
        Assert.NotEqual(0, init.ExitCode);
        Assert.Contains($"Full media set of '{PostgreSqlPair.Database}' on '{PostgreSqlPair.VirtualServer}'", init.Error);
        Assert.Contains($"process {holder}", init.Error);

        File.WriteAllText(Path.Combine(pauses, "backup.media-set-chosen.release"), "");
        var appended = await appending;
        Assert.True(appended.ExitCode == 0, appended.Error);
        scene.EverySetLiesInItsMediaSet(expectedSets: 2, expectedMediaSets: 1);

        // Run again once the first is done: the new media set starts cleanly.
        var again = await CliProcess.RunAsync(scene.Full(init: true));
        Assert.True(again.ExitCode == 0, again.Error);
        scene.EverySetLiesInItsMediaSet(expectedSets: 3, expectedMediaSets: 2);
    }

    [Fact]
    public async Task AFullWithAndOneWithoutInitStartedTogetherAreRecordedWhereTheirFilesAre()
    {
        using var scene = new Scene(pair);
        var (code, _, error) = CliHarness.Run(scene.Full(init: true));
        Assert.True(code == 0, error);

        var results = await Task.WhenAll(CliProcess.RunAsync(scene.Full(init: false)), CliProcess.RunAsync(scene.Full(init: true)));
        foreach (var r in results)
            Assert.True(r.ExitCode == 0, r.Error);
        scene.EverySetLiesInItsMediaSet(expectedSets: 3, expectedMediaSets: 2);
    }

    [Fact]
    public async Task TwoLogBackupsStartedTogetherBothSucceedOneAfterTheOtherWithAGapFreeChain()
    {
        using var scene = new Scene(pair);
        var (code, _, error) = CliHarness.Run(scene.Full(init: true));
        Assert.True(code == 0, error);
        PostgreSqlPair.Execute(pair.PrimaryPort, PostgreSqlPair.Database, "CREATE TABLE IF NOT EXISTS concurrent_logs (n int); INSERT INTO concurrent_logs SELECT generate_series(1, 1000)");
        PostgreSqlPair.Execute(pair.PrimaryPort, PostgreSqlPair.Database, "SELECT pg_switch_wal()");

        var results = await Task.WhenAll(CliProcess.RunAsync(scene.Log()), CliProcess.RunAsync(scene.Log()));
        foreach (var r in results)
            Assert.True(r.ExitCode == 0, r.Error);

        var catalog = new BackupSetCatalog(CatalogDatabase.Open(scene.CatalogPath));
        var logs = catalog.GetBackupSets().Where(s => s.Type == BackupType.Log).ToList();
        Assert.Equal(2, logs.Count);
        var mediaSet = Assert.Single(catalog.GetMediaSets(), m => m.BackupType == BackupType.Log);
        // One after the other: the second takes the WAL segments after the first's, no overlap and no gap, and both lie in
        // the one log media set.
        static ulong Segment(string? lsn) => WalLocation.SegmentOf(WalLocation.ParseLsn(lsn!), 16 << 20);
        Assert.True(Segment(logs[1].FirstLsn) == Segment(logs[0].LastLsn) + 1, string.Join("; ", logs.Select(l => $"{l.Started:O} {l.FirstLsn}..{l.LastLsn}")));
        Assert.All(logs, l => Assert.Equal(mediaSet.MediaSetId, l.MediaSetId));
        Assert.All(logs.SelectMany(l => l.Files), f => Assert.True(File.Exists(f.Path), f.Path));
        var verify = await CliProcess.RunAsync(["verify", "--all", "--server", PostgreSqlPair.VirtualServer, "--database", PostgreSqlPair.Database, .. scene.Common]);
        Assert.True(verify.ExitCode == 0, verify.Error + verify.Output);
    }
}
