using ClusterBackup.Engine.Common;
using ClusterBackup.Engine.Configuration;
using ClusterBackup.Engine.Databases;

namespace ClusterBackup.Engine.Backup;

/// <summary>A virtual server resolved to where it runs now: its cluster, engine and active server.</summary>
public sealed record ResolvedServer(ClusterDefinition Cluster, ServerDefinition Definition, IDatabaseEngine Engine, DatabaseServer Active);

/// <summary>
/// Cluster -> owner node -> the engine's active server. The cluster provider names the owner; the engine
/// confirms it is the active server (for PostgreSQL: not in recovery) and otherwise finds the one that is
/// among the other nodes, so a stale owner (a Static topology not updated after a failover) still works.
/// </summary>
public static class ServerResolver
{
    public static async Task<ResolvedServer> ResolveAsync(ClusterBackupConfiguration configuration, ServerDefinition server, string database,
        IOperationReporter reporter, CancellationToken cancellationToken)
    {
        var cluster = configuration.GetCluster(server.Cluster);
        var clusterService = ProviderRegistry.CreateCluster(cluster);
        var engine = ProviderRegistry.CreateEngine(server);
        var nodes = await clusterService.GetNodesAsync(cancellationToken).ConfigureAwait(false);
        string? ownerName = null;
        try
        {
            var owner = await clusterService.GetOwnerAsync(server.Name, cancellationToken).ConfigureAwait(false);
            ownerName = owner.Node;
            reporter.Verbose($"Cluster '{cluster.Name}' says node {owner.Node} owns '{server.Name}' (group {owner.Group}).");
        }
        catch (ClusterBackupException ex) when (ex.Kind == ErrorKind.ResourceUnavailable)
        {
            reporter.Warning(ex.Message + " Looking for the active server among the cluster's nodes.");
        }
        // Owner first, then the nodes that are up, then the rest: the engine tries them in this order.
        var ordered = nodes.OrderBy(n => string.Equals(n.Name, ownerName, StringComparison.OrdinalIgnoreCase) ? 0 : n.IsUp ? 1 : 2).ToList();
        var byAddress = new Dictionary<string, string>(StringComparer.OrdinalIgnoreCase);
        var candidates = new List<string>();
        foreach (var node in ordered)
        {
            var address = node.Address ?? node.Name;
            byAddress.TryAdd(address, node.Name);
            candidates.Add(address);
        }
        var active = await engine.FindActiveServerAsync(server.Name, candidates, database, cancellationToken).ConfigureAwait(false);
        if (byAddress.TryGetValue(active.Node, out var nodeName))
            active = active with { Node = nodeName };
        reporter.Verbose($"Active server of '{server.Name}': node {active.Node} ({active.ConnectionTarget}).");
        return new ResolvedServer(cluster, server, engine, active);
    }
}
