using ClusterBackup.Engine.Configuration;

namespace ClusterBackup.Engine.Cluster;

/// <summary>Creates the cluster service for one provider name. Implementations are discovered by reflection.</summary>
public interface IClusterServiceFactory
{
    string Provider { get; }

    IClusterService Create(ClusterDefinition definition);
}
