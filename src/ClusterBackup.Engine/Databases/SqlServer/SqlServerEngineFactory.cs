using ClusterBackup.Engine.Configuration;

namespace ClusterBackup.Engine.Databases.SqlServer;

/// <summary>Engine "SqlServer": settings as described on <see cref="SqlServerSettings"/>.</summary>
public sealed class SqlServerEngineFactory : IDatabaseEngineFactory
{
    public string Engine => "SqlServer";

    public IDatabaseEngine Create(ServerDefinition definition) => new SqlServerEngine(SqlServerSettings.FromDefinition(definition));
}
