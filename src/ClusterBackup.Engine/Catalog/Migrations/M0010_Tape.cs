using Microsoft.Data.Sqlite;

namespace ClusterBackup.Engine.Catalog.Migrations;

/// <summary>
/// Tape: pools, cartridges (their labels), sessions, each agent's tape stream in a session and the
/// volumes it ran over, the objects written to tape, and each copy of an object with its position.
/// See docs/catalog.md, section "Tape".
/// </summary>
internal sealed class M0010_Tape : ICatalogMigration
{
    public int Version => 10;
    public string Name => "tape";

    public void Apply(SqliteConnection connection, SqliteTransaction transaction) =>
        CatalogDatabase.Execute(connection, transaction, """
            CREATE TABLE tape_pools (
                pool_name      TEXT PRIMARY KEY COLLATE NOCASE,
                block_size     INTEGER NOT NULL,
                created_utc    TEXT NOT NULL);

            CREATE TABLE tape_cartridges (
                barcode        TEXT PRIMARY KEY COLLATE NOCASE,
                volume_id      TEXT NOT NULL UNIQUE,
                pool_name      TEXT NOT NULL REFERENCES tape_pools(pool_name),
                block_size     INTEGER NOT NULL,
                status         TEXT NOT NULL CHECK (status IN ('Scratch','Appendable','Full','Closed','Retired')),
                labelled_utc   TEXT NOT NULL,
                next_block     INTEGER NOT NULL,
                next_file      INTEGER NOT NULL,
                library        TEXT);

            CREATE TABLE tape_sessions (
                session_id     TEXT PRIMARY KEY,
                job            TEXT NOT NULL,
                started_utc    TEXT NOT NULL,
                finished_utc   TEXT,
                status         TEXT NOT NULL CHECK (status IN ('Completed','Failed')));

            CREATE TABLE tape_streams (
                stream_id      TEXT PRIMARY KEY,
                session_id     TEXT NOT NULL REFERENCES tape_sessions(session_id),
                agent          TEXT NOT NULL,
                mirror_level   INTEGER NOT NULL,
                pool_name      TEXT NOT NULL,
                block_size     INTEGER NOT NULL);

            CREATE TABLE tape_stream_volumes (
                stream_id      TEXT NOT NULL REFERENCES tape_streams(stream_id),
                volume_seq     INTEGER NOT NULL,
                barcode        TEXT NOT NULL REFERENCES tape_cartridges(barcode),
                file_number    INTEGER NOT NULL,
                first_block    INTEGER NOT NULL,
                last_block     INTEGER NOT NULL,
                PRIMARY KEY (stream_id, volume_seq));
            CREATE INDEX ix_tape_stream_volumes_barcode ON tape_stream_volumes(barcode);

            CREATE TABLE tape_objects (
                object_id      TEXT PRIMARY KEY,
                name           TEXT NOT NULL,
                source_path    TEXT,
                backup_set_id  TEXT,
                length         INTEGER NOT NULL,
                sha256         TEXT NOT NULL,
                created_utc    TEXT NOT NULL,
                status         TEXT NOT NULL CHECK (status IN ('Live','Expired')));
            CREATE INDEX ix_tape_objects_source ON tape_objects(source_path, sha256);
            CREATE INDEX ix_tape_objects_backup_set ON tape_objects(backup_set_id);

            CREATE TABLE tape_object_copies (
                object_id        TEXT NOT NULL REFERENCES tape_objects(object_id),
                stream_id        TEXT NOT NULL REFERENCES tape_streams(stream_id),
                first_volume_seq INTEGER NOT NULL,
                first_block      INTEGER NOT NULL,
                last_volume_seq  INTEGER NOT NULL,
                last_block       INTEGER NOT NULL,
                verified         INTEGER NOT NULL DEFAULT 0,
                verified_utc     TEXT,
                PRIMARY KEY (object_id, stream_id));
            """);
}
