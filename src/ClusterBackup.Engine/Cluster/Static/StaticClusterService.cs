namespace ClusterBackup.Engine.Cluster.Static;

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
        return Task.FromResult(ClusterOwnerLookup.Find(clusterName, virtualServer, topology.Groups, topology.Nodes));
    }
}
