using ClusterBackup.Engine.Configuration;

namespace ClusterBackup.Engine.Clusters.Static;

/// <summary>
/// A cluster described by a topology file (<see cref="StaticTopology"/>), for servers that are not clustered
/// or whose cluster ClusterBackup cannot query. The file is read on every call, so an edit (or a script
/// that rewrites it after a failover) takes effect at the next backup. When the owner recorded in the file
/// is down, engines still find the active server among the other nodes.
/// Verified here: the file format and owner lookups (unit tests) and the PostgreSQL failover test.
/// </summary>
public sealed class StaticClusterService(string clusterName, string topologyPath) : IClusterService
{
    public string ClusterName => clusterName;

    public string TopologyPath => topologyPath;

    public Task<IReadOnlyList<ClusterNode>> GetNodesAsync(CancellationToken cancellationToken = default) =>
        Task.FromResult(StaticTopology.Load(topologyPath).Nodes);

    public Task<IReadOnlyList<ClusterGroup>> GetGroupsAsync(CancellationToken cancellationToken = default) =>
        Task.FromResult(StaticTopology.Load(topologyPath).Groups);

    public Task<ClusterOwner> GetOwnerAsync(string virtualServer, CancellationToken cancellationToken = default)
    {
        var topology = StaticTopology.Load(topologyPath);
        var group = topology.Groups.FirstOrDefault(g => string.Equals(g.Name, virtualServer, StringComparison.OrdinalIgnoreCase))
                    ?? topology.Groups.FirstOrDefault(g => g.Resources.Any(r => string.Equals(r.Name, virtualServer, StringComparison.OrdinalIgnoreCase)))
                    ?? throw new ClusterBackupException(ErrorKind.ObjectNotFound, virtualServer,
                        $"Virtual server '{virtualServer}' is not a group or resource of cluster '{clusterName}' (topology '{topologyPath}').");
        if (group.OwnerNode is null || group.State is not (ClusterGroupState.Online or ClusterGroupState.PartialOnline))
            throw new ClusterBackupException(ErrorKind.ResourceUnavailable, virtualServer,
                $"Virtual server '{virtualServer}' (group '{group.Name}') is {group.State} in cluster '{clusterName}': no node owns it.");
        var node = topology.Nodes.First(n => string.Equals(n.Name, group.OwnerNode, StringComparison.OrdinalIgnoreCase));
        return Task.FromResult(new ClusterOwner(virtualServer, group.Name, node.Name, node.Address));
    }
}

/// <summary>Provider "Static": settings <c>topologyFile</c> (relative paths are taken from the configuration file's folder).</summary>
internal sealed class StaticClusterServiceFactory : IClusterServiceFactory
{
    public string Provider => "Static";

    public IClusterService Create(ClusterDefinition definition) =>
        new StaticClusterService(definition.Name, definition.Settings.GetPath("topologyFile")
            ?? throw new ClusterBackupException(ErrorKind.InvalidData, definition.Name,
                $"Cluster '{definition.Name}' uses the Static provider but its settings have no 'topologyFile'."));
}
