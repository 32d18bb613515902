namespace ClusterBackup.Engine.Cluster.Wsfc;

/// <summary>
/// A Windows Server Failover Cluster read through CIM (root\MSCluster): MSCluster_Node for nodes and their state,
/// MSCluster_ResourceGroup for roles (OwnerNode, State), MSCluster_Resource (and MSCluster_ResourceGroupToResource) for
/// resources and the group each belongs to. Every question reads the classes afresh.
/// <para>Unverified on a live cluster: the mapping is tested against recorded instances written from Microsoft's
/// documented properties and state values; <see cref="CimSessionSource"/> has not run against a real cluster.</para>
/// </summary>
public sealed class WsfcClusterService(string clusterName, ICimSource source) : IClusterService
{
    public string ClusterName { get; } = clusterName;

    public async Task<WsfcStatus> GetStatusAsync(CancellationToken cancellationToken = default)
    {
        var nodes = await source.GetInstancesAsync(WsfcCimMapping.NodeClass, WsfcCimMapping.NodeProperties, cancellationToken).ConfigureAwait(false);
        var groups = await source.GetInstancesAsync(WsfcCimMapping.GroupClass, WsfcCimMapping.GroupProperties, cancellationToken).ConfigureAwait(false);
        var resources = await source.GetInstancesAsync(WsfcCimMapping.ResourceClass, WsfcCimMapping.ResourceProperties, cancellationToken).ConfigureAwait(false);
        // Older providers have no MSCluster_Resource.OwnerGroup; only then is the association needed.
        var links = resources.All(r => r.Has("OwnerGroup") && r.String("OwnerGroup") is { Length: > 0 })
            ? []
            : await source.GetInstancesAsync(WsfcCimMapping.GroupToResourceClass, WsfcCimMapping.GroupToResourceProperties, cancellationToken).ConfigureAwait(false);
        return WsfcCimMapping.Map(nodes, groups, resources, links);
    }

    public async Task<IReadOnlyList<ClusterNode>> GetNodesAsync(CancellationToken cancellationToken = default)
    {
        var nodes = await source.GetInstancesAsync(WsfcCimMapping.NodeClass, WsfcCimMapping.NodeProperties, cancellationToken).ConfigureAwait(false);
        return WsfcCimMapping.Map(nodes, [], [], []).Nodes;
    }

    public async Task<IReadOnlyList<ClusterGroup>> GetGroupsAsync(CancellationToken cancellationToken = default) =>
        (await GetStatusAsync(cancellationToken).ConfigureAwait(false)).Groups;

    public async Task<ClusterOwner> GetOwnerAsync(string virtualServer, CancellationToken cancellationToken = default) =>
        WsfcCimMapping.FindOwner(ClusterName, virtualServer, await GetStatusAsync(cancellationToken).ConfigureAwait(false));
}
