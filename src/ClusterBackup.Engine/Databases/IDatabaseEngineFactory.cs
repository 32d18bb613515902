using ClusterBackup.Engine.Configuration;

namespace ClusterBackup.Engine.Databases;

/// <summary>Creates the database engine for one engine name. Implementations are discovered by reflection.</summary>
public interface IDatabaseEngineFactory
{
    string Engine { get; }

    IDatabaseEngine Create(ServerDefinition definition);
}
