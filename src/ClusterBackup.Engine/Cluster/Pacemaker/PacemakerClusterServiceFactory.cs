using ClusterBackup.Engine.Configuration;

namespace ClusterBackup.Engine.Cluster.Pacemaker;

/// <summary>Provider "Pacemaker": settings crmMon, commandPrefix, timeoutSeconds (see <see cref="PacemakerSettings"/>).</summary>
public sealed class PacemakerClusterServiceFactory : IClusterServiceFactory
{
    public string Provider => "Pacemaker";

    public IClusterService Create(ClusterDefinition definition) =>
        new PacemakerClusterService(definition.Name, PacemakerSettings.FromDefinition(definition), ProcessCommandRunner.Instance);
}
