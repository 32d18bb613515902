using ClusterBackup.Engine.Catalog;
using ClusterBackup.Engine.Catalog.Migrations;
using ClusterBackup.Engine.Common;
using Microsoft.Data.Sqlite;

namespace ClusterBackup.Engine.Tests.Catalog;

/// <summary>
/// The catalog step that admits differential backups rebuilds the tables of backup sets: a catalog written before it keeps every
/// media set, backup set, file and restore test, its foreign keys still hold, and a differential with its base LSN can be recorded.
/// </summary>
public sealed class DifferentialMigrationTests : IDisposable
{
    private readonly TempDirectory _dir = new("catalog-diff");

    public void Dispose() => _dir.Dispose();

    private static void Run(SqliteConnection connection, string sql)
    {
        using var command = connection.CreateCommand();
        command.CommandText = sql;
        command.ExecuteNonQuery();
    }

    /// <summary>A catalog as it was at schema version 2: the first two steps applied, one backup set with a file and a restore test.</summary>
    private string OldCatalog(Guid setId)
    {
        var path = _dir.Combine("old.db");
        using (var connection = new SqliteConnection($"Data Source={path};Pooling=False"))
        {
            connection.Open();
            Run(connection, "PRAGMA foreign_keys=ON; CREATE TABLE schema_migrations (version INTEGER PRIMARY KEY, name TEXT NOT NULL, applied_utc TEXT NOT NULL)");
            using (var transaction = connection.BeginTransaction())
            {
                foreach (ICatalogMigration step in new ICatalogMigration[] { new M0001_BackupSets(), new M0002_RestoreTests() })
                {
                    step.Apply(connection, transaction);
                    CatalogDatabase.Execute(connection, transaction, "INSERT INTO schema_migrations VALUES ($v, $n, '2026-11-01T00:00:00.0000000Z')", ("$v", step.Version), ("$n", step.Name));
                }
                transaction.Commit();
            }
            Run(connection, $"""
                INSERT INTO media_sets VALUES ('m1', 'SQLVS1', 'SALES', 'Full', '/share/m1', '2026-11-21T09:00:00.0000000Z', 'Active', NULL, NULL);
                INSERT INTO backup_sets(backup_set_id, cluster, virtual_server, node, database_name, engine, backup_type, init_mode, copy_only, media_set_id, position,
                                        started_utc, finished_utc, size_bytes, first_lsn, last_lsn, checksum, status, verified)
                    VALUES ('{setId}', 'WSFC1', 'SQLVS1', 'NODE1', 'SALES', 'SqlServer', 'Full', 'Init', 0, 'm1', 1,
                            '2026-11-21T09:00:00.0000000Z', '2026-11-21T09:05:00.0000000Z', 6, '10', '20', 'c', 'Completed', 1);
                INSERT INTO backup_files VALUES ('{setId}', '/share/m1/f.bak', 6, '{new string('a', 64)}');
                INSERT INTO restore_tests VALUES ('{Guid.NewGuid()}', '{setId}', '2026-11-21T10:00:00.0000000Z', '2026-11-21T10:05:00.0000000Z', 'host', '/scratch', 1, 1, NULL);
                """);
        }
        SqliteConnection.ClearAllPools();
        return path;
    }

    [Fact]
    public void ACatalogFromBeforeKeepsEveryRowAndTakesDifferentials()
    {
        var fullId = Guid.NewGuid();
        var catalog = CatalogDatabase.OpenOrCreate(OldCatalog(fullId));
        var sets = new BackupSetCatalog(catalog);

        var full = Assert.Single(sets.GetBackupSets());
        Assert.Equal(fullId, full.BackupSetId);
        Assert.Equal(("10", "20"), (full.FirstLsn, full.LastLsn));
        Assert.Null(full.CheckpointLsn);
        Assert.Equal("/share/m1/f.bak", Assert.Single(full.Files).Path);
        Assert.Single(new RestoreTestCatalog(catalog).ForBackupSet(fullId));
        Assert.Equal("m1", Assert.Single(sets.GetMediaSets()).MediaSetId);
        Assert.Equal(0L, catalog.Read(c => Convert.ToInt64(CatalogDatabase.Scalar(c, "SELECT COUNT(*) FROM pragma_foreign_key_check"))));
        Assert.Contains(3, catalog.Read(c =>
        {
            using var command = c.CreateCommand();
            command.CommandText = "SELECT version FROM schema_migrations";
            using var reader = command.ExecuteReader();
            var versions = new List<int>();
            while (reader.Read())
                versions.Add(reader.GetInt32(0));
            return versions;
        }));

        var differential = sets.RecordCompleted(new BackupSet
        {
            BackupSetId = Guid.NewGuid(), Cluster = "WSFC1", VirtualServer = "SQLVS1", Node = "NODE1", Database = "SALES", Engine = "SqlServer",
            Type = BackupType.Differential, Initialize = true, MediaSetId = "d1", Started = full.Started.AddHours(12), Finished = full.Started.AddHours(12).AddMinutes(1),
            Status = BackupSetStatus.Completed, DifferentialBaseLsn = "15", LastLsn = "40",
            Files = [new BackupFile("/share/d1/d.bak", 2, new string('b', 64))],
        }, new MediaSet("d1", "SQLVS1", "SALES", BackupType.Differential, "/share/d1", full.Started.AddHours(12), MediaSetStatus.Active));

        var read = Assert.Single(sets.GetBackupSets(new BackupSetQuery(Type: BackupType.Differential)));
        Assert.Equal(differential.BackupSetId, read.BackupSetId);
        Assert.Equal("15", read.DifferentialBaseLsn);
        Assert.Equal(BackupType.Differential, Assert.Single(sets.GetMediaSets(), m => m.MediaSetId == "d1").BackupType);
    }

    [Fact]
    public void TheRebuiltTablesStillEnforceTheirForeignKeysAndCascade()
    {
        var fullId = Guid.NewGuid();
        var catalog = CatalogDatabase.OpenOrCreate(OldCatalog(fullId));

        Assert.Throws<SqliteException>(() => catalog.Write((c, t) =>
            CatalogDatabase.Execute(c, t, "INSERT INTO backup_files VALUES ('no-such-set', '/x', 1, 'h')")));
        Assert.Throws<SqliteException>(() => catalog.Write((c, t) =>
            CatalogDatabase.Execute(c, t, "UPDATE backup_sets SET backup_type = 'Incremental'")));
        catalog.Write((c, t) =>
        {
            CatalogDatabase.Execute(c, t, "DELETE FROM restore_tests");
            CatalogDatabase.Execute(c, t, "DELETE FROM backup_sets");
        });
        Assert.Equal(0L, catalog.Read(c => Convert.ToInt64(CatalogDatabase.Scalar(c, "SELECT COUNT(*) FROM backup_files"))));
    }
}
