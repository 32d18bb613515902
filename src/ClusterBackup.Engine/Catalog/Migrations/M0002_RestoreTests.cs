using Microsoft.Data.Sqlite;

namespace ClusterBackup.Engine.Catalog.Migrations;

/// <summary>Restore tests of backup sets (Test-ClusterDbBackup -Restore): one row per test. See docs/catalog.md.</summary>
internal sealed class M0002_RestoreTests : ICatalogMigration
{
    public int Version => 2;
    public string Name => "restore tests";

    public void Apply(SqliteConnection connection, SqliteTransaction transaction) =>
        CatalogDatabase.Execute(connection, transaction, """
            CREATE TABLE restore_tests (
                test_id        TEXT PRIMARY KEY,
                backup_set_id  TEXT NOT NULL REFERENCES backup_sets(backup_set_id),
                started_utc    TEXT NOT NULL,
                finished_utc   TEXT NOT NULL,
                host           TEXT NOT NULL,
                scratch_path   TEXT NOT NULL,
                succeeded      INTEGER NOT NULL CHECK (succeeded IN (0, 1)),
                copy_removed   INTEGER NOT NULL CHECK (copy_removed IN (0, 1)),
                problems       TEXT);
            CREATE INDEX restore_tests_by_set ON restore_tests(backup_set_id, started_utc);
            """);
}
