using ClusterBackup.Engine.Backup;
using ClusterBackup.Engine.Catalog;
using ClusterBackup.Engine.Common;
using ClusterBackup.Engine.Configuration;
using ClusterBackup.Engine.Tests.Databases.PostgreSql;

namespace ClusterBackup.Engine.Tests.Backup;

/// <summary>
/// The acceptance test on real PostgreSQL: full backup with init, log backups, failover to the
/// promoted standby, the next log backup continuing the same chain on the share, verify, and a restore to a
/// point in time holding exactly the rows committed before it.
/// </summary>
public sealed class PostgreSqlFailoverTests
{
    [Fact]
    public async Task LogChainContinuesAcrossFailoverAndRestoresToAPointInTime()
    {
        using var pair = new PostgreSqlPair();
        var configuration = ClusterBackupConfiguration.Load(pair.ConfigurationPath);
        var catalog = CatalogDatabase.OpenOrCreate(pair.CatalogPath);
        var backup = new BackupDatabaseOperation(configuration, catalog, ProviderRegistry.Default);
        BackupDatabaseRequest Request(BackupType type, bool init = false, bool verify = false) =>
            new(pair.Share, [PostgreSqlPair.Database], type, Server: PostgreSqlPair.VirtualServer, Initialize: init, Verify: verify, Checksum: true);
        void Insert(int port, params int[] ids)
        {
            foreach (var id in ids)
                PostgreSqlPair.Execute(port, PostgreSqlPair.Database, $"INSERT INTO t VALUES ({id})");
        }

        PostgreSqlPair.Execute(pair.PrimaryPort, PostgreSqlPair.Database, "CREATE TABLE t (id int PRIMARY KEY)");
        var full = (await backup.RunAsync(Request(BackupType.Full, init: true, verify: true), NullOperationReporter.Instance, default)).SingleSet();
        Assert.Equal("node1", full.Node);
        Assert.True(full.Verified);
        Assert.True(full.Initialize);
        Assert.Contains(full.Files, f => f.Path.EndsWith("base.tar.gz") && f.Path.Contains($"/{PostgreSqlPair.VirtualServer}/{PostgreSqlPair.Database}/FULL/{full.MediaSetId}/"));
        Assert.Contains(full.Files, f => f.Path.EndsWith("backup_manifest"));

        Insert(pair.PrimaryPort, 1, 2, 3);
        var log1 = (await backup.RunAsync(Request(BackupType.Log, init: true), NullOperationReporter.Instance, default)).SingleSet();
        Insert(pair.PrimaryPort, 4, 5);
        var log2 = (await backup.RunAsync(Request(BackupType.Log), NullOperationReporter.Instance, default)).SingleSet();
        Assert.Equal(log1.MediaSetId, log2.MediaSetId);
        Assert.Equal(2, log2.Position);

        pair.Failover();
        Insert(pair.StandbyPort, 6, 7);
        var pointInTime = PostgreSqlPair.Scalar<DateTime>(pair.StandbyPort, "postgres", "SELECT clock_timestamp()");
        Thread.Sleep(50);
        Insert(pair.StandbyPort, 8, 9);

        // Nothing was changed by hand: the topology still names node1 as the owner.
        var log3 = (await backup.RunAsync(Request(BackupType.Log, verify: true), NullOperationReporter.Instance, default)).SingleSet();
        Assert.Equal("node2", log3.Node);
        Assert.Equal(log1.MediaSetId, log3.MediaSetId);
        Assert.Equal(3, log3.Position);
        Assert.Equal("2", log3.Timeline);
        Assert.True(log3.Verified, "the log backup after the failover should verify");
        Assert.Contains(log3.Files, f => f.Path.EndsWith("00000002.history"));
        Assert.All(log3.Files, f => Assert.Contains($"/{PostgreSqlPair.VirtualServer}/{PostgreSqlPair.Database}/LOG/{log1.MediaSetId}/", f.Path));
        Assert.All(log3.Files, f => Assert.Matches("^[0-9a-f]{64}$", f.Sha256));
        // The chain is continuous: log 3 starts right after log 2 ended.
        Assert.Empty(await VerifyAll(catalog, configuration));

        var target = Path.Combine(pair.Root, "restored");
        var restore = await new RestoreDatabaseOperation(catalog, configuration, ProviderRegistry.Default).RunAsync(
            new RestoreDatabaseRequest(PostgreSqlPair.VirtualServer, PostgreSqlPair.Database, target, new DateTimeOffset(DateTime.SpecifyKind(pointInTime, DateTimeKind.Utc))),
            NullOperationReporter.Instance, default);
        Assert.Equal(full.BackupSetId, restore.FullBackupSetId);
        Assert.Equal(3, restore.LogBackupCount);

        var port = PostgreSqlPair.FreePort();
        pair.Start(target, port);
        Assert.Equal([1, 2, 3, 4, 5, 6, 7], PostgreSqlPair.Ids(port, PostgreSqlPair.Database, "t"));
        pair.Stop(target);

        // A point after the last commit the log backups hold: everything in them.
        var end = Path.Combine(pair.Root, "restored-end");
        var reporter = new RecordingReporter();
        await new RestoreDatabaseOperation(catalog, configuration, ProviderRegistry.Default).RunAsync(
            new RestoreDatabaseRequest(PostgreSqlPair.VirtualServer, PostgreSqlPair.Database, end, log3.Finished), reporter, default);
        Assert.Contains(reporter.Messages, m => m.Contains("replaying all of their WAL"));
        pair.Start(end, port);
        Assert.Equal([1, 2, 3, 4, 5, 6, 7, 8, 9], PostgreSqlPair.Ids(port, PostgreSqlPair.Database, "t"));
        pair.Stop(end);
    }

    private static async Task<List<string>> VerifyAll(CatalogDatabase catalog, ClusterBackupConfiguration configuration)
    {
        var results = await new VerifyBackupSetOperation(catalog, configuration, ProviderRegistry.Default).RunAsync(
            new VerifyBackupSetRequest(Server: PostgreSqlPair.VirtualServer, Database: PostgreSqlPair.Database, All: true), NullOperationReporter.Instance, default);
        Assert.Equal(4, results.Count);
        return results.SelectMany(r => r.Problems).ToList();
    }
}
