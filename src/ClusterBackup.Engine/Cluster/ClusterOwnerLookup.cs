using ClusterBackup.Engine.Common;

namespace ClusterBackup.Engine.Cluster;

/// <summary>
/// The rule every provider answers GetOwnerAsync with: the group named like the virtual server, else the group
/// holding a resource of that name; exact case first, then ignoring case (WSFC names are case-insensitive,
/// Pacemaker ids are not, and a user typing SQLVS1 for sqlvs1 should still be understood when it is unambiguous).
/// </summary>
public static class ClusterOwnerLookup
{
    /// <param name="cluster">The cluster's name, for error messages.</param>
    /// <param name="virtualServer">The virtual server to find: a group name or a resource name.</param>
    /// <param name="groups">The cluster's groups as the provider read them.</param>
    /// <param name="nodes">When given, the owner's address is taken from the node list.</param>
    public static ClusterOwner Find(string cluster, string virtualServer, IReadOnlyList<ClusterGroup> groups, IReadOnlyList<ClusterNode>? nodes)
    {
        var group = Match(groups, virtualServer, StringComparison.Ordinal) ?? Match(groups, virtualServer, StringComparison.OrdinalIgnoreCase)
            ?? throw new ClusterBackupException(ErrorKind.ObjectNotFound, virtualServer,
                $"Cluster '{cluster}' has no group or resource named '{virtualServer}'. Groups: {string.Join(", ", groups.Select(g => g.Name))}.") { Cause = "VirtualServerNotFound" };
        if (group.OwnerNode is null || group.State is not (ClusterGroupState.Online or ClusterGroupState.PartialOnline))
            throw new ClusterBackupException(ErrorKind.ResourceUnavailable, virtualServer,
                $"'{virtualServer}' (group '{group.Name}' in cluster '{cluster}') is {group.State} and runs on no single node now.");
        var address = nodes?.FirstOrDefault(n => string.Equals(n.Name, group.OwnerNode, StringComparison.OrdinalIgnoreCase))?.Address;
        return new ClusterOwner(virtualServer, group.Name, group.OwnerNode, address);
    }

    private static ClusterGroup? Match(IReadOnlyList<ClusterGroup> groups, string name, StringComparison comparison)
    {
        var byGroup = groups.Where(g => string.Equals(g.Name, name, comparison)).ToList();
        if (byGroup.Count == 1)
            return byGroup[0];
        var byResource = groups.Where(g => g.Resources.Any(r => string.Equals(r.Name, name, comparison))).Distinct().ToList();
        return byResource.Count == 1 ? byResource[0] : null;
    }
}
