using ClusterBackup.Engine.Common;
using ClusterBackup.Engine.Configuration;

namespace ClusterBackup.Engine.Cluster.Static;

/// <summary>Provider "Static": settings <c>topologyFile</c> (relative paths are taken from the configuration file's folder).</summary>
internal sealed class StaticClusterServiceFactory : IClusterServiceFactory
{
    public string Provider => "Static";

    public IClusterService Create(ClusterDefinition definition) =>
        new StaticClusterService(definition.Name, definition.Settings.GetPath("topologyFile")
            ?? throw new ClusterBackupException(ErrorKind.InvalidConfiguration, definition.Name,
                $"Cluster '{definition.Name}' uses the Static provider but its settings have no 'topologyFile'."));
}
