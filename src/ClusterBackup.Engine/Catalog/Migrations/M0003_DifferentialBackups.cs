using Microsoft.Data.Sqlite;

namespace ClusterBackup.Engine.Catalog.Migrations;

/// <summary>
/// Differential backups: <c>backup_type</c> of media sets and backup sets may be <c>Differential</c>, and a backup set records
/// <c>checkpoint_lsn</c> (a SQL Server full backup) and <c>differential_base_lsn</c> (a differential: the checkpoint LSN of the
/// full it is based on). SQLite cannot change a CHECK constraint in place, so the four tables of backup sets are rebuilt in
/// this one transaction and every row copied: new tables under temporary names that reference each other, the old ones
/// dropped children first (no cascade reaches a copied row), then the new ones renamed, which rewrites their references.
/// See docs/catalog.md.
/// </summary>
internal sealed class M0003_DifferentialBackups : ICatalogMigration
{
    /// <inheritdoc />
    public int Version => 3;

    /// <inheritdoc />
    public string Name => "differential backups";

    /// <inheritdoc />
    public void Apply(SqliteConnection connection, SqliteTransaction transaction) =>
        CatalogDatabase.Execute(connection, transaction, """
            PRAGMA defer_foreign_keys = ON;

            CREATE TABLE media_sets_v3 (
                media_set_id   TEXT PRIMARY KEY,
                virtual_server TEXT NOT NULL,
                database_name  TEXT NOT NULL,
                backup_type    TEXT NOT NULL CHECK (backup_type IN ('Full','Differential','Log')),
                share_path     TEXT NOT NULL,
                created_utc    TEXT NOT NULL,
                status         TEXT NOT NULL CHECK (status IN ('Active','Superseded','Retired')),
                superseded_utc TEXT,
                superseded_by  TEXT REFERENCES media_sets_v3(media_set_id));
            INSERT INTO media_sets_v3(media_set_id, virtual_server, database_name, backup_type, share_path, created_utc, status, superseded_utc, superseded_by)
                SELECT media_set_id, virtual_server, database_name, backup_type, share_path, created_utc, status, superseded_utc, superseded_by FROM media_sets;

            CREATE TABLE backup_sets_v3 (
                backup_set_id  TEXT PRIMARY KEY,
                cluster        TEXT NOT NULL,
                virtual_server TEXT NOT NULL,
                node           TEXT NOT NULL,
                database_name  TEXT NOT NULL,
                engine         TEXT NOT NULL,
                backup_type    TEXT NOT NULL CHECK (backup_type IN ('Full','Differential','Log')),
                init_mode      TEXT NOT NULL CHECK (init_mode IN ('Init','Append')),
                copy_only      INTEGER NOT NULL DEFAULT 0,
                media_set_id   TEXT NOT NULL REFERENCES media_sets_v3(media_set_id),
                position       INTEGER NOT NULL,
                started_utc    TEXT NOT NULL,
                finished_utc   TEXT,
                size_bytes     INTEGER NOT NULL DEFAULT 0,
                first_lsn      TEXT,
                last_lsn       TEXT,
                timeline       TEXT,
                checksum       TEXT,
                status         TEXT NOT NULL CHECK (status IN ('Running','Completed','Failed')),
                verified       INTEGER NOT NULL DEFAULT 0,
                verified_utc   TEXT,
                error          TEXT,
                checkpoint_lsn        TEXT,
                differential_base_lsn TEXT);
            INSERT INTO backup_sets_v3(backup_set_id, cluster, virtual_server, node, database_name, engine, backup_type, init_mode, copy_only,
                                       media_set_id, position, started_utc, finished_utc, size_bytes, first_lsn, last_lsn, timeline, checksum,
                                       status, verified, verified_utc, error)
                SELECT backup_set_id, cluster, virtual_server, node, database_name, engine, backup_type, init_mode, copy_only,
                       media_set_id, position, started_utc, finished_utc, size_bytes, first_lsn, last_lsn, timeline, checksum,
                       status, verified, verified_utc, error FROM backup_sets;

            CREATE TABLE backup_files_v3 (
                backup_set_id  TEXT NOT NULL REFERENCES backup_sets_v3(backup_set_id) ON DELETE CASCADE,
                path           TEXT NOT NULL,
                size_bytes     INTEGER NOT NULL,
                sha256         TEXT NOT NULL,
                PRIMARY KEY (backup_set_id, path));
            INSERT INTO backup_files_v3(backup_set_id, path, size_bytes, sha256) SELECT backup_set_id, path, size_bytes, sha256 FROM backup_files;

            CREATE TABLE restore_tests_v3 (
                test_id        TEXT PRIMARY KEY,
                backup_set_id  TEXT NOT NULL REFERENCES backup_sets_v3(backup_set_id),
                started_utc    TEXT NOT NULL,
                finished_utc   TEXT NOT NULL,
                host           TEXT NOT NULL,
                scratch_path   TEXT NOT NULL,
                succeeded      INTEGER NOT NULL CHECK (succeeded IN (0, 1)),
                copy_removed   INTEGER NOT NULL CHECK (copy_removed IN (0, 1)),
                problems       TEXT);
            INSERT INTO restore_tests_v3(test_id, backup_set_id, started_utc, finished_utc, host, scratch_path, succeeded, copy_removed, problems)
                SELECT test_id, backup_set_id, started_utc, finished_utc, host, scratch_path, succeeded, copy_removed, problems FROM restore_tests;

            DROP TABLE restore_tests;
            DROP TABLE backup_files;
            DROP TABLE backup_sets;
            DROP TABLE media_sets;

            ALTER TABLE media_sets_v3 RENAME TO media_sets;
            ALTER TABLE backup_sets_v3 RENAME TO backup_sets;
            ALTER TABLE backup_files_v3 RENAME TO backup_files;
            ALTER TABLE restore_tests_v3 RENAME TO restore_tests;

            CREATE UNIQUE INDEX ux_media_sets_one_active
                ON media_sets(virtual_server, database_name, backup_type) WHERE status = 'Active';
            CREATE INDEX ix_backup_sets_database ON backup_sets(virtual_server, database_name, started_utc);
            CREATE INDEX ix_backup_sets_media_set ON backup_sets(media_set_id, position);
            CREATE INDEX restore_tests_by_set ON restore_tests(backup_set_id, started_utc);
            """);
}
