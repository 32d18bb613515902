using Microsoft.Data.Sqlite;

namespace ClusterBackup.Engine.Catalog.Migrations;

/// <summary>Changed-block backup chains (one per protected file and store) and their generations. See docs/catalog.md.</summary>
internal sealed class M0030_ChangedBlockBackups : ICatalogMigration
{
    public int Version => 30;
    public string Name => "changed-block backups";

    public void Apply(SqliteConnection connection, SqliteTransaction transaction) =>
        CatalogDatabase.Execute(connection, transaction, """
            CREATE TABLE block_backup_chains (
                chain_id     TEXT PRIMARY KEY,
                source_path  TEXT NOT NULL,
                store_path   TEXT NOT NULL UNIQUE,
                block_size   INTEGER NOT NULL,
                algorithm    TEXT NOT NULL CHECK (algorithm IN ('Sha256','Xxh3')),
                created_utc  TEXT NOT NULL);

            CREATE TABLE block_backup_generations (
                chain_id        TEXT NOT NULL REFERENCES block_backup_chains(chain_id),
                generation      INTEGER NOT NULL CHECK (generation >= 1),
                taken_utc       TEXT NOT NULL,
                snapshot_method TEXT NOT NULL CHECK (snapshot_method IN ('Reflink','InconsistentCopy')),
                device_size     INTEGER NOT NULL,
                block_count     INTEGER NOT NULL,
                changed_blocks  INTEGER NOT NULL,
                stored_bytes    INTEGER NOT NULL,
                data_file       TEXT NOT NULL,
                data_sha256     TEXT NOT NULL,
                map_file        TEXT NOT NULL,
                PRIMARY KEY (chain_id, generation));
            """);
}
