using Microsoft.Data.Sqlite;

namespace ClusterBackup.Engine.Catalog.Migrations;

/// <summary>The backup shares this catalog writes to, each with the id its share marker holds. See docs/catalog.md.</summary>
internal sealed class M0040_Shares : ICatalogMigration
{
    public int Version => 40;
    public string Name => "share identities";

    public void Apply(SqliteConnection connection, SqliteTransaction transaction) =>
        CatalogDatabase.Execute(connection, transaction, """
            CREATE TABLE shares (
                share_path   TEXT PRIMARY KEY,
                share_id     TEXT NOT NULL,
                created_utc  TEXT NOT NULL,
                recorded_utc TEXT NOT NULL);
            """);
}
