using ClusterBackup.Engine.Tape;
using Microsoft.Data.Sqlite;

namespace ClusterBackup.Engine.Catalog.Migrations;

/// <summary>
/// Tape object names include their backup set. Before this step an object of a backup set was named
/// <c>{VirtualServer}/{Database}/{file}</c>, so the files of every full backup of a database had one name and a restore of several
/// backup sets mixed them in one folder. This step renames those objects to <c>{VirtualServer}/{Database}/{backup set}/{file}</c>
/// (<see cref="TapeObjectNames"/>) from their backup set's row; objects without a backup set, or already named otherwise, keep their
/// name. The names recorded on the tapes themselves are not rewritten; the catalog's name is the one restores use. See docs/catalog.md.
/// </summary>
internal sealed class M0011_TapeObjectNames : ICatalogMigration
{
    /// <inheritdoc />
    public int Version => 11;

    /// <inheritdoc />
    public string Name => "tape object names include the backup set";

    /// <inheritdoc />
    public void Apply(SqliteConnection connection, SqliteTransaction transaction)
    {
        var renames = new List<(string ObjectId, string Name)>();
        using (var select = connection.CreateCommand())
        {
            select.Transaction = transaction;
            select.CommandText = """
                SELECT o.object_id, o.name, s.backup_set_id, s.virtual_server, s.database_name, s.backup_type, s.started_utc
                FROM tape_objects o JOIN backup_sets s ON s.backup_set_id = o.backup_set_id
                """;
            using var reader = select.ExecuteReader();
            while (reader.Read())
            {
                var name = reader.ReadString(1);
                var virtualServer = reader.ReadString(3);
                var database = reader.ReadString(4);
                var legacyPrefix = $"{virtualServer}/{database}/";
                if (!name.StartsWith(legacyPrefix, StringComparison.Ordinal) || name[legacyPrefix.Length..].Contains('/'))
                    continue; // not the old {VirtualServer}/{Database}/{file} form: keep it
                var type = Enum.Parse<BackupType>(reader.ReadString(5));
                renames.Add((reader.ReadString(0), TapeObjectNames.ForFile(virtualServer, database, type, CatalogTime.Parse(reader.ReadString(6)),
                    Guid.Parse(reader.ReadString(2)), name[legacyPrefix.Length..])));
            }
        }
        using var update = connection.CreateCommand();
        update.Transaction = transaction;
        update.CommandText = "UPDATE tape_objects SET name = $name WHERE object_id = $id";
        var id = update.Parameters.Add("$id", SqliteType.Text);
        var newName = update.Parameters.Add("$name", SqliteType.Text);
        foreach (var (objectId, name) in renames)
        {
            id.Value = objectId;
            newName.Value = name;
            update.ExecuteNonQuery();
        }
    }
}
