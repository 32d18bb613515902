using ClusterBackup.Engine.Common;

namespace ClusterBackup.Engine.Cluster;

public enum ClusterNodeState { Online, Offline, Standby, Paused, Unknown }

public enum ClusterGroupState { Online, Offline, Failed, Pending, PartialOnline, Unknown }

/// <param name="Name">Node name as the cluster knows it.</param>
/// <param name="State">The node's state as the cluster reports it.</param>
/// <param name="Address">An address the node can be reached on, when the provider knows one.</param>
public sealed record ClusterNode(string Name, ClusterNodeState State, string? Address = null)
{
    public bool IsUp => State is ClusterNodeState.Online;
}

/// <param name="Name">Resource id (Pacemaker) or name (WSFC).</param>
/// <param name="Type">Resource type, e.g. "ocf:heartbeat:IPaddr2" or "SQL Server".</param>
/// <param name="Group">The group the resource belongs to; null when it stands alone.</param>
/// <param name="OwnerNode">The node the resource runs on now; null when stopped.</param>
/// <param name="State">The resource's state in the provider's own words (e.g. "Started", "Online").</param>
public sealed record ClusterResource(string Name, string Type, string? Group, string? OwnerNode, string State);

/// <summary>A resource group (WSFC role, Pacemaker group) that moves between nodes as one.</summary>
public sealed record ClusterGroup(string Name, string? OwnerNode, ClusterGroupState State, IReadOnlyList<ClusterResource> Resources);

/// <summary>Where a virtual server runs now.</summary>
/// <param name="VirtualServer">The name that was asked for.</param>
/// <param name="Group">The group or role that carries it.</param>
/// <param name="Node">The node that owns the group now.</param>
/// <param name="NodeAddress">An address of that node, when the provider knows one.</param>
public sealed record ClusterOwner(string VirtualServer, string Group, string Node, string? NodeAddress);

/// <summary>
/// What ClusterBackup needs to know about a cluster: its nodes and whether they are up, its groups
/// and resources, and which node owns a virtual server now. Implementations: Static (a topology file),
/// Pacemaker (crm_mon XML), Wsfc (CIM root\MSCluster).
/// </summary>
public interface IClusterService
{
    /// <summary>The cluster's name.</summary>
    string ClusterName { get; }

    Task<IReadOnlyList<ClusterNode>> GetNodesAsync(CancellationToken cancellationToken = default);

    Task<IReadOnlyList<ClusterGroup>> GetGroupsAsync(CancellationToken cancellationToken = default);

    /// <summary>
    /// The node that owns <paramref name="virtualServer"/> now: the group of that name, or the group holding
    /// a resource of that name. Throws <see cref="ClusterBackupException"/> (ObjectNotFound) naming the server and
    /// the cluster when there is none, and (ResourceUnavailable) when its group is not online anywhere.
    /// </summary>
    Task<ClusterOwner> GetOwnerAsync(string virtualServer, CancellationToken cancellationToken = default);
}
