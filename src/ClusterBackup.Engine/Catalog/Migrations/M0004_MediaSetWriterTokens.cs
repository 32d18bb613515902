using Microsoft.Data.Sqlite;

namespace ClusterBackup.Engine.Catalog.Migrations;

/// <summary>
/// Each media set records the highest fencing token of the media-set writer lock that has committed a backup set to it
/// (<c>writer_token</c>, 0 for the media sets recorded before), so a writer whose lock was taken over is refused at its commit.
/// See docs/catalog.md.
/// </summary>
internal sealed class M0004_MediaSetWriterTokens : ICatalogMigration
{
    /// <inheritdoc />
    public int Version => 4;

    /// <inheritdoc />
    public string Name => "media set writer tokens";

    /// <inheritdoc />
    public void Apply(SqliteConnection connection, SqliteTransaction transaction) =>
        CatalogDatabase.Execute(connection, transaction, "ALTER TABLE media_sets ADD COLUMN writer_token INTEGER NOT NULL DEFAULT 0;");
}
