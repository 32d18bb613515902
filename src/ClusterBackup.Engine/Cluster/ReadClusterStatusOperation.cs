using ClusterBackup.Engine.Common;
using ClusterBackup.Engine.Configuration;

namespace ClusterBackup.Engine.Cluster;

/// <param name="Cluster">The cluster and the provider that answers for it.</param>
/// <param name="VirtualServer">When given, the report also names the node that owns this virtual server.</param>
public sealed record ClusterStatusRequest(ClusterDefinition Cluster, string? VirtualServer = null);

/// <summary>
/// Reads a cluster's nodes, groups and owners through its provider: the read-only view behind Get-ClusterDbNode,
/// Get-ClusterDbGroup and `clusterbackup cluster status|owner`. Changes nothing.
/// </summary>
public sealed class ReadClusterStatusOperation(Func<ClusterDefinition, IClusterService>? createService = null)
{
    private readonly Func<ClusterDefinition, IClusterService> _createService = createService ?? ProviderRegistry.Default.CreateCluster;

    public async Task<ClusterStatusReport> RunAsync(ClusterStatusRequest request, IOperationReporter reporter, CancellationToken cancellationToken)
    {
        var definition = request.Cluster;
        var service = _createService(definition);
        var activity = $"Reading cluster {definition.Name} ({definition.Provider})";
        reporter.Progress(activity, "nodes", 0);
        var nodes = await service.GetNodesAsync(cancellationToken).ConfigureAwait(false);
        reporter.Progress(activity, "groups and resources", 50);
        var groups = await service.GetGroupsAsync(cancellationToken).ConfigureAwait(false);
        reporter.Verbose($"Cluster {definition.Name}: {nodes.Count} nodes ({nodes.Count(n => n.IsUp)} up), {groups.Count} groups.");

        ClusterOwner? owner = null;
        if (!string.IsNullOrWhiteSpace(request.VirtualServer))
        {
            owner = await service.GetOwnerAsync(request.VirtualServer, cancellationToken).ConfigureAwait(false);
            reporter.Verbose($"{owner.VirtualServer} runs on {owner.Node} (group {owner.Group}).");
        }
        reporter.Completed(activity);

        var owned = groups.Where(g => g.OwnerNode is not null).ToLookup(g => g.OwnerNode!, StringComparer.OrdinalIgnoreCase);
        return new ClusterStatusReport(
            definition.Name,
            definition.Provider,
            DateTimeOffset.UtcNow,
            nodes.Select(n => new ClusterNodeStatus(definition.Name, n.Name, n.State, n.IsUp, owned[n.Name].Select(g => g.Name).ToList())).ToList(),
            groups.Select(g => new ClusterGroupStatus(definition.Name, g.Name, g.OwnerNode, g.State, g.Resources)).ToList(),
            owner);
    }
}
