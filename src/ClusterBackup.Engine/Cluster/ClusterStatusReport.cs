namespace ClusterBackup.Engine.Cluster;

/// <summary>A node of a cluster and the groups it owns now, as one row of a status report.</summary>
public sealed record ClusterNodeStatus(string Cluster, string Name, ClusterNodeState State, bool IsUp, IReadOnlyList<string> OwnedGroups);

/// <summary>A group (WSFC role, Pacemaker group or resource) and the node that runs it now, as one row of a status report.</summary>
public sealed record ClusterGroupStatus(string Cluster, string Name, string? OwnerNode, ClusterGroupState State, IReadOnlyList<ClusterResource> Resources)
{
    public int ResourceCount => Resources.Count;
}

/// <summary>Who owns what in one cluster at one moment.</summary>
/// <param name="Cluster">The cluster's configured name.</param>
/// <param name="Provider">The provider that answered ("Static", "Pacemaker", "Wsfc").</param>
/// <param name="ReadAt">When the status was read.</param>
/// <param name="Nodes">Every node and the groups it owns.</param>
/// <param name="Groups">Every group and the node that runs it.</param>
/// <param name="Owner">The owner of the virtual server that was asked about, if one was.</param>
public sealed record ClusterStatusReport(
    string Cluster,
    string Provider,
    DateTimeOffset ReadAt,
    IReadOnlyList<ClusterNodeStatus> Nodes,
    IReadOnlyList<ClusterGroupStatus> Groups,
    ClusterOwner? Owner);
