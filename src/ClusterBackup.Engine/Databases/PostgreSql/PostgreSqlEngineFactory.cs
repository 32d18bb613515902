using ClusterBackup.Engine.Configuration;

namespace ClusterBackup.Engine.Databases.PostgreSql;

/// <summary>Engine "PostgreSql": settings in <see cref="PostgreSqlSettings"/>.</summary>
internal sealed class PostgreSqlEngineFactory : IDatabaseEngineFactory
{
    public string Engine => "PostgreSql";

    public IDatabaseEngine Create(ServerDefinition definition) =>
        new PostgreSqlEngine(definition, PostgreSqlSettings.From(definition.Name, definition.Settings));
}
