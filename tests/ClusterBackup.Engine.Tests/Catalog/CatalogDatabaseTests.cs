using ClusterBackup.Engine.Catalog;
using ClusterBackup.Engine.Common;
using Microsoft.Data.Sqlite;

namespace ClusterBackup.Engine.Tests.Catalog;

public class CatalogDatabaseTests
{
    [Fact]
    public void OpeningANewCatalogAppliesEveryMigrationOnce()
    {
        using var dir = new TempDirectory("catalog");
        var path = dir.Combine("sub", "catalog.db");
        var first = CatalogDatabase.OpenOrCreate(path);
        var expected = CatalogDatabase.DiscoverMigrations().Max(m => m.Version);
        Assert.Equal(expected, first.SchemaVersion);
        var again = CatalogDatabase.OpenOrCreate(path);
        Assert.Equal(expected, again.SchemaVersion);
        var applied = again.Read(c => Convert.ToInt32(CatalogDatabase.Scalar(c, "SELECT COUNT(*) FROM schema_migrations")));
        Assert.Equal(CatalogDatabase.DiscoverMigrations().Count, applied);
    }

    [Fact]
    public void CatalogUsesWalMode()
    {
        using var dir = new TempDirectory("catalog");
        var db = CatalogDatabase.OpenOrCreate(dir.Combine("c.db"));
        Assert.Equal("wal", db.Read(c => (string)CatalogDatabase.Scalar(c, "PRAGMA journal_mode")!));
    }

    [Fact]
    public void MigrationVersionsAreUnique() =>
        Assert.Equal(CatalogDatabase.DiscoverMigrations().Count, CatalogDatabase.DiscoverMigrations().Select(m => m.Version).Distinct().Count());

    [Fact]
    public void AFailedWriteLeavesNothingBehind()
    {
        using var dir = new TempDirectory("catalog");
        var db = CatalogDatabase.OpenOrCreate(dir.Combine("c.db"));
        Assert.Throws<InvalidOperationException>(() => db.Write((c, t) =>
        {
            CatalogDatabase.Execute(c, t, "INSERT INTO media_sets(media_set_id, virtual_server, database_name, backup_type, share_path, created_utc, status) VALUES ('m','s','d','Full','/x','2026-01-01T00:00:00.0000000Z','Active')");
            throw new InvalidOperationException("boom");
        }));
        Assert.Equal(0L, db.Read(c => (long)CatalogDatabase.Scalar(c, "SELECT COUNT(*) FROM media_sets")!));
    }

    [Fact]
    public void NetworkMountsAreRecognised()
    {
        Assert.True(CatalogLocation.IsNetworkPath(@"\\backupsrv\share\catalog.db"));
        Assert.True(LinuxMountTable.IsNetworkFileSystem("nfs4"));
        Assert.True(LinuxMountTable.IsNetworkFileSystem("cifs"));
        Assert.False(LinuxMountTable.IsNetworkFileSystem("ext4"));
        Assert.False(CatalogLocation.IsNetworkPath(Path.GetTempPath()));
    }

    [Fact]
    public void ExplicitPathWinsOverEnvironment()
    {
        var explicitPath = Path.Combine(Path.GetTempPath(), "explicit.db");
        var fromEnvironment = Path.Combine(Path.GetTempPath(), "environment.db");
        string? Environment(string name) => name == CatalogLocation.EnvironmentVariable ? fromEnvironment : null;
        Assert.Equal(explicitPath, CatalogLocation.Resolve(explicitPath, Environment));
        Assert.Equal(fromEnvironment, CatalogLocation.Resolve(null, Environment));
        Assert.Equal(CatalogLocation.DefaultPath, CatalogLocation.Resolve(null, _ => null));
    }

    [Fact]
    public void ANullInARequiredColumnIsReportedAsDamageNamingTheColumn()
    {
        // SQLite keeps a NULL even in a TEXT PRIMARY KEY; a damaged or hand-edited catalog may hold one.
        using var dir = new TempDirectory("catalog");
        var path = dir.Combine("c.db");
        var db = CatalogDatabase.OpenOrCreate(path);
        var set = Guid.NewGuid();
        using (var editor = new SqliteConnection($"Data Source={path};Pooling=False;Foreign Keys=False"))
        {
            editor.Open();
            using var insert = editor.CreateCommand();
            insert.CommandText = """
                INSERT INTO restore_tests(test_id, backup_set_id, started_utc, finished_utc, host, scratch_path, succeeded, copy_removed)
                VALUES (NULL, $set, '2026-12-03T10:00:00.0000000Z', '2026-12-03T10:01:00.0000000Z', 'node1', '/scratch', 1, 1)
                """;
            insert.Parameters.AddWithValue("$set", set.ToString());
            insert.ExecuteNonQuery();
        }

        // Read often enough for the runtime to optimise the reader: the refusal must not depend on how it was compiled.
        for (var i = 0; i < 200; i++)
        {
            var error = Assert.Throws<ClusterBackupException>(() => new RestoreTestCatalog(db).ForBackupSet(set));
            Assert.Equal("CatalogValueUnreadable", error.ErrorId);
            Assert.Contains(path, error.Message);
            Assert.Contains("test_id is NULL", error.Message);
        }
    }
}
