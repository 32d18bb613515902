using Microsoft.Data.Sqlite;

namespace ClusterBackup.Engine.Catalog;

/// <summary>
/// One forward step of the catalog schema. Migrations are discovered in this assembly,
/// applied in ascending <see cref="Version"/> order, each in its own transaction, and recorded
/// in <c>schema_migrations</c>; a migration that is already recorded is never run again.
/// Version ranges by capability: 1-9 backup sets, 10-19 tape, 20-29 scheduling,
/// 30-39 digests, 40-49 coordination, 50-59 log sync, 60-69 standby.
/// </summary>
public interface ICatalogMigration
{
    int Version { get; }

    string Name { get; }

    void Apply(SqliteConnection connection, SqliteTransaction transaction);
}
