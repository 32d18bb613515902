using Microsoft.Data.Sqlite;

namespace ClusterBackup.Engine.Catalog.Migrations;

/// <summary>Media sets on the share, backup sets in them, and the files of each backup set.</summary>
internal sealed class M0001_BackupSets : ICatalogMigration
{
    public int Version => 1;
    public string Name => "backup sets";

    public void Apply(SqliteConnection connection, SqliteTransaction transaction) =>
        CatalogDatabase.Execute(connection, transaction, """
            CREATE TABLE media_sets (
                media_set_id   TEXT PRIMARY KEY,
                virtual_server TEXT NOT NULL,
                database_name  TEXT NOT NULL,
                backup_type    TEXT NOT NULL CHECK (backup_type IN ('Full','Log')),
                share_path     TEXT NOT NULL,
                created_utc    TEXT NOT NULL,
                status         TEXT NOT NULL CHECK (status IN ('Active','Superseded','Retired')),
                superseded_utc TEXT,
                superseded_by  TEXT REFERENCES media_sets(media_set_id));
            CREATE UNIQUE INDEX ux_media_sets_one_active
                ON media_sets(virtual_server, database_name, backup_type) WHERE status = 'Active';

            CREATE TABLE backup_sets (
                backup_set_id  TEXT PRIMARY KEY,
                cluster        TEXT NOT NULL,
                virtual_server TEXT NOT NULL,
                node           TEXT NOT NULL,
                database_name  TEXT NOT NULL,
                engine         TEXT NOT NULL,
                backup_type    TEXT NOT NULL CHECK (backup_type IN ('Full','Log')),
                init_mode      TEXT NOT NULL CHECK (init_mode IN ('Init','Append')),
                copy_only      INTEGER NOT NULL DEFAULT 0,
                media_set_id   TEXT NOT NULL REFERENCES media_sets(media_set_id),
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
                error          TEXT);
            CREATE INDEX ix_backup_sets_database ON backup_sets(virtual_server, database_name, started_utc);
            CREATE INDEX ix_backup_sets_media_set ON backup_sets(media_set_id, position);

            CREATE TABLE backup_files (
                backup_set_id  TEXT NOT NULL REFERENCES backup_sets(backup_set_id) ON DELETE CASCADE,
                path           TEXT NOT NULL,
                size_bytes     INTEGER NOT NULL,
                sha256         TEXT NOT NULL,
                PRIMARY KEY (backup_set_id, path));
            """);
}
