using System.Text;
using ClusterBackup.Engine.Common;

namespace ClusterBackup.Engine.Cluster.Wsfc;

/// <summary>The cluster as read from root\MSCluster, in ClusterBackup's model, plus the DNS names clients use.</summary>
/// <param name="Nodes">The cluster's nodes (MSCluster_Node).</param>
/// <param name="Groups">The cluster's groups with their resources (MSCluster_ResourceGroup).</param>
/// <param name="NetworkNames">Network Name resources' DNS names (the virtual server names) and the group each lives in.</param>
public sealed record WsfcStatus(IReadOnlyList<ClusterNode> Nodes, IReadOnlyList<ClusterGroup> Groups, IReadOnlyDictionary<string, string> NetworkNames);

/// <summary>
/// Maps the failover cluster WMI classes to ClusterBackup's model. Property values follow Microsoft's documentation:
/// <list type="bullet">
/// <item>MSCluster_Node.State (CLUSTER_NODE_STATE): -1 unknown, 0 Up, 1 Down, 2 Paused, 3 Joining.</item>
/// <item>MSCluster_ResourceGroup.State (CLUSTER_GROUP_STATE as WMI reports it): -1 unknown, 0 Online, 1 Offline, 2 Failed,
/// 3 PartialOnline, 4 Pending; OwnerNode names the node that owns the group.</item>
/// <item>MSCluster_Resource.State (CLUSTER_RESOURCE_STATE): -1 unknown, 0 Inherited, 1 Initializing, 2 Online, 3 Offline,
/// 4 Failed, 128 Pending, 129 OnlinePending, 130 OfflinePending. A resource's group is its OwnerGroup property where the
/// provider has it (Windows Server 2012 and later), otherwise the MSCluster_ResourceGroupToResource association
/// (GroupComponent = the group's object path, PartComponent = the resource's).</item>
/// <item>A "Network Name" resource's PrivateProperties.DnsName is the virtual server name clients connect to (e.g. the SQL
/// Server failover cluster instance's name), so a virtual server is found by that name as well as by group or resource name.</item>
/// </list>
/// Pure; tested on recorded instances. Unverified on a live cluster.
/// </summary>
public static class WsfcCimMapping
{
    public const string NodeClass = "MSCluster_Node";
    public const string GroupClass = "MSCluster_ResourceGroup";
    public const string ResourceClass = "MSCluster_Resource";
    public const string GroupToResourceClass = "MSCluster_ResourceGroupToResource";

    public static readonly IReadOnlyList<string> NodeProperties = ["Name", "State"];
    public static readonly IReadOnlyList<string> GroupProperties = ["Name", "OwnerNode", "State", "GroupType"];
    public static readonly IReadOnlyList<string> ResourceProperties = ["Name", "Type", "State", "OwnerGroup", "OwnerNode", "PrivateProperties"];
    public static readonly IReadOnlyList<string> GroupToResourceProperties = ["GroupComponent", "PartComponent"];

    public static ClusterNodeState NodeState(long? state) => state switch
    {
        0 => ClusterNodeState.Online,
        1 => ClusterNodeState.Offline,
        2 => ClusterNodeState.Paused,
        _ => ClusterNodeState.Unknown, // 3 Joining and -1 unknown: not usable yet
    };

    public static ClusterGroupState GroupState(long? state) => state switch
    {
        0 => ClusterGroupState.Online,
        1 => ClusterGroupState.Offline,
        2 => ClusterGroupState.Failed,
        3 => ClusterGroupState.PartialOnline,
        4 => ClusterGroupState.Pending,
        _ => ClusterGroupState.Unknown,
    };

    public static string ResourceState(long? state) => state switch
    {
        0 => "Inherited",
        1 => "Initializing",
        2 => "Online",
        3 => "Offline",
        4 => "Failed",
        128 => "Pending",
        129 => "OnlinePending",
        130 => "OfflinePending",
        _ => "Unknown",
    };

    public static WsfcStatus Map(IReadOnlyList<CimInstanceData> nodes, IReadOnlyList<CimInstanceData> groups,
        IReadOnlyList<CimInstanceData> resources, IReadOnlyList<CimInstanceData> groupToResource)
    {
        var clusterNodes = nodes.Select(n => new ClusterNode(Required(n, "Name"), NodeState(n.Int64("State")))).ToList();

        // A resource's group: OwnerGroup where present, else the association.
        var groupOfResource = new Dictionary<string, string>(StringComparer.OrdinalIgnoreCase);
        foreach (var link in groupToResource)
            if (KeyOf(link.String("PartComponent")) is { } resource && KeyOf(link.String("GroupComponent")) is { } group)
                groupOfResource[resource] = group;
        foreach (var resource in resources)
            if (resource.String("OwnerGroup") is { Length: > 0 } group)
                groupOfResource[Required(resource, "Name")] = group;

        var groupInstances = groups.ToDictionary(g => Required(g, "Name"), StringComparer.OrdinalIgnoreCase);
        var resourcesByGroup = resources
            .Select(r =>
            {
                var name = Required(r, "Name");
                var groupName = groupOfResource.GetValueOrDefault(name);
                var state = r.Int64("State");
                var running = state is 2 or 129 or 130;
                var owner = running ? r.String("OwnerNode") ?? (groupName is null ? null : groupInstances.GetValueOrDefault(groupName)?.String("OwnerNode")) : null;
                return new ClusterResource(name, r.String("Type") ?? "", groupName, owner, ResourceState(state));
            })
            .ToLookup(r => r.Group ?? "", StringComparer.OrdinalIgnoreCase);

        var clusterGroups = groups.Select(g =>
        {
            var name = Required(g, "Name");
            var state = GroupState(g.Int64("State"));
            // WSFC keeps OwnerNode on an offline group (where it would start); only a group that runs has an owner now.
            var owner = state is ClusterGroupState.Online or ClusterGroupState.PartialOnline or ClusterGroupState.Pending ? g.String("OwnerNode") : null;
            return new ClusterGroup(name, owner, state, resourcesByGroup[name].ToList());
        }).ToList();

        var networkNames = new Dictionary<string, string>(StringComparer.OrdinalIgnoreCase);
        foreach (var resource in resources.Where(r => string.Equals(r.String("Type"), "Network Name", StringComparison.OrdinalIgnoreCase)))
            if (resource.Embedded("PrivateProperties")?.String("DnsName") is { Length: > 0 } dns
                && groupOfResource.GetValueOrDefault(Required(resource, "Name")) is { } group)
                networkNames[dns] = group;

        return new WsfcStatus(clusterNodes, clusterGroups, networkNames);
    }

    /// <summary>The owner of a virtual server: its DNS name (a Network Name resource) first, then group or resource name.</summary>
    public static ClusterOwner FindOwner(string cluster, string virtualServer, WsfcStatus status)
    {
        var shortName = virtualServer.Split('.')[0];
        if (status.NetworkNames.TryGetValue(virtualServer, out var groupName) || status.NetworkNames.TryGetValue(shortName, out groupName))
        {
            var owner = ClusterOwnerLookup.Find(cluster, groupName, status.Groups, status.Nodes);
            return owner with { VirtualServer = virtualServer };
        }
        return ClusterOwnerLookup.Find(cluster, virtualServer, status.Groups, status.Nodes);
    }

    /// <summary>
    /// The key value of a WMI object path such as <c>\\NODE1\root\MSCluster:MSCluster_Resource.Name="SQL IP Address 1 (SQLVS1)"</c>,
    /// with WMI's escapes (\" and \\) undone. Null when the path has no quoted key.
    /// </summary>
    public static string? KeyOf(string? objectPath)
    {
        if (objectPath is null)
            return null;
        var start = objectPath.IndexOf("=\"", StringComparison.Ordinal);
        if (start < 0)
            return null;
        var key = new StringBuilder();
        for (var i = start + 2; i < objectPath.Length; i++)
        {
            var c = objectPath[i];
            if (c == '\\' && i + 1 < objectPath.Length)
                key.Append(objectPath[++i]);
            else if (c == '"')
                return key.ToString();
            else
                key.Append(c);
        }
        return null;
    }

    private static string Required(CimInstanceData instance, string property) =>
        instance.String(property) is { Length: > 0 } value ? value
            : throw new ClusterBackupException(ErrorKind.InvalidData, instance.ClassName, $"An instance of {instance.ClassName} has no {property}.");
}
