using ClusterBackup.Engine.Configuration;

namespace ClusterBackup.Engine.Cluster.Wsfc;

/// <summary>Provider "Wsfc": settings computerName, timeoutSeconds (see <see cref="WsfcSettings"/>). Unverified on a live cluster.</summary>
public sealed class WsfcClusterServiceFactory : IClusterServiceFactory
{
    public string Provider => "Wsfc";

    public IClusterService Create(ClusterDefinition definition)
    {
        var settings = WsfcSettings.FromDefinition(definition);
        return new WsfcClusterService(definition.Name, new CimSessionSource(settings.ComputerName, settings.Timeout));
    }
}
