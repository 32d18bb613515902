using System.Xml;
using System.Xml.Linq;
using ClusterBackup.Engine.Common;

namespace ClusterBackup.Engine.Cluster.Pacemaker;

/// <summary>The cluster as one <c>crm_mon --output-as=xml</c> call saw it.</summary>
public sealed record PacemakerStatus(IReadOnlyList<ClusterNode> Nodes, IReadOnlyList<ClusterGroup> Groups, string? DesignatedController, bool HasQuorum);

/// <summary>
/// Reads the XML that <c>crm_mon -1 --output-as=xml</c> prints (Pacemaker 2.1, api-version 2.x; the schema is
/// Pacemaker's xml/api/crm_mon-2.*.rng). Pure: text in, status out, so it is tested on output recorded from a
/// real three-node cluster.
/// <para>How Pacemaker's shapes become ClusterBackup's:</para>
/// <list type="bullet">
/// <item>node: online + standby = Standby, online + maintenance = Paused, online = Online, otherwise Offline
/// (pending = Unknown).</item>
/// <item>a group is a ClusterGroup; its owner is the node its active members run on.</item>
/// <item>a primitive outside any group is a ClusterGroup of its own (same name), so a virtual IP defined as a
/// lone resource is found like a group.</item>
/// <item>a clone is one ClusterGroup holding every instance; a promotable clone is owned by the node where an
/// instance is Promoted (or Master), a plain clone only when all its active instances run on one node.</item>
/// <item>a bundle is one ClusterGroup of the resources in its replicas, owned like a plain clone.</item>
/// </list>
/// </summary>
public static class CrmMonStatusParser
{
    private static readonly HashSet<string> PromotedRoles = new(StringComparer.OrdinalIgnoreCase) { "Promoted", "Master" };
    private static readonly HashSet<string> TransitionRoles = new(StringComparer.OrdinalIgnoreCase) { "Starting", "Stopping", "Migrating", "Promoting", "Demoting" };

    /// <param name="xml">The output of <c>crm_mon --output-as=xml</c>.</param>
    /// <param name="source">Names the command or file in error messages.</param>
    public static PacemakerStatus Parse(string xml, string source)
    {
        XDocument document;
        try
        {
            document = XDocument.Parse(xml);
        }
        catch (XmlException ex)
        {
            throw new ClusterBackupException(ErrorKind.InvalidData, source, $"{source} did not print valid XML: {ex.Message}", ex);
        }
        var root = document.Root!;
        if (root.Name.LocalName != "pacemaker-result")
            throw new ClusterBackupException(ErrorKind.InvalidData, source,
                $"{source} printed <{root.Name.LocalName}>, not <pacemaker-result>; is it crm_mon 2.x with --output-as=xml?");
        var apiVersion = (string?)root.Attribute("api-version");
        if (apiVersion is null || !apiVersion.StartsWith("2.", StringComparison.Ordinal))
            throw new ClusterBackupException(ErrorKind.InvalidData, source,
                $"{source} reports api-version '{apiVersion ?? "(none)"}'; this provider reads crm_mon api-version 2.x.");

        var status = root.Element("status");
        var code = (int?)status?.Attribute("code") ?? 0;
        if (code != 0)
        {
            var errors = status!.Descendants("error").Select(e => e.Value.Trim()).Where(e => e.Length > 0).ToList();
            var message = (string?)status.Attribute("message") ?? "error";
            throw new ClusterBackupException(ErrorKind.ConnectionError, source,
                $"{source} failed with status {code} ({message})" + (errors.Count > 0 ? ": " + string.Join("; ", errors) : "."));
        }

        var nodesElement = root.Element("nodes")
            ?? throw new ClusterBackupException(ErrorKind.InvalidData, source, $"{source} printed no <nodes> section.");
        var nodes = nodesElement.Elements("node").Select(ParseNode).ToList();
        var groups = (root.Element("resources")?.Elements() ?? []).Select(ParseTopLevel).OfType<ClusterGroup>().ToList();

        var dc = root.Element("summary")?.Element("current_dc");
        return new PacemakerStatus(nodes, groups,
            (string?)dc?.Attribute("present") == "true" ? (string?)dc.Attribute("name") : null,
            (string?)dc?.Attribute("with_quorum") == "true");
    }

    private static ClusterNode ParseNode(XElement node)
    {
        var name = (string?)node.Attribute("name") ?? "";
        bool Flag(string attribute) => (string?)node.Attribute(attribute) == "true";
        var state = !Flag("online") ? (Flag("pending") ? ClusterNodeState.Unknown : ClusterNodeState.Offline)
            : Flag("standby") ? ClusterNodeState.Standby
            : Flag("maintenance") ? ClusterNodeState.Paused
            : ClusterNodeState.Online;
        return new ClusterNode(name, state);
    }

    private static ClusterGroup? ParseTopLevel(XElement element)
    {
        var id = (string?)element.Attribute("id") ?? "";
        switch (element.Name.LocalName)
        {
            case "resource":
            {
                var resource = ParseResource(element, id);
                return Group(id, [resource], promotable: false, colocated: true);
            }
            case "group":
            {
                var resources = element.Elements("resource").Select(r => ParseResource(r, id)).ToList();
                return Group(id, resources, promotable: false, colocated: true);
            }
            case "clone":
            {
                var promotable = (string?)element.Attribute("multi_state") == "true";
                var resources = element.Descendants("resource").Select(r => ParseResource(r, id)).ToList();
                return Group(id, resources, promotable, colocated: false);
            }
            case "bundle":
            {
                var resources = element.Descendants("resource").Select(r => ParseResource(r, id)).ToList();
                return Group(id, resources, promotable: false, colocated: false);
            }
            default:
                return null;
        }
    }

    private static ClusterResource ParseResource(XElement resource, string group)
    {
        var id = (string?)resource.Attribute("id") ?? "";
        var role = (string?)resource.Attribute("role") ?? "Unknown";
        if ((string?)resource.Attribute("failed") == "true")
            role = "Failed";
        var runningOn = resource.Elements("node").Select(n => (string?)n.Attribute("name")).OfType<string>().Distinct().ToList();
        // A resource active on more than one node has no single owner; that is a cluster fault, not a choice.
        var owner = (string?)resource.Attribute("active") == "true" && runningOn.Count == 1 ? runningOn[0] : null;
        return new ClusterResource(id, (string?)resource.Attribute("resource_agent") ?? "", group, owner, role);
    }

    private static ClusterGroup Group(string id, List<ClusterResource> resources, bool promotable, bool colocated)
    {
        var active = resources.Where(r => r.OwnerNode is not null).ToList();
        string? owner;
        if (promotable)
            owner = resources.FirstOrDefault(r => PromotedRoles.Contains(r.State) && r.OwnerNode is not null)?.OwnerNode;
        else
        {
            var owners = active.Select(r => r.OwnerNode!).Distinct().ToList();
            owner = owners.Count == 1 ? owners[0] : null;
        }

        ClusterGroupState state;
        if (resources.Any(r => r.State == "Failed"))
            state = ClusterGroupState.Failed;
        else if (resources.Any(r => TransitionRoles.Contains(r.State)))
            state = ClusterGroupState.Pending;
        else if (active.Count == 0)
            state = ClusterGroupState.Offline;
        else if (promotable)
            state = owner is not null ? ClusterGroupState.Online : ClusterGroupState.PartialOnline;
        else if (colocated)
            state = active.Count == resources.Count ? ClusterGroupState.Online : ClusterGroupState.PartialOnline;
        else
            state = ClusterGroupState.Online; // a clone with some instances stopped (e.g. on a standby node) is still serving
        return new ClusterGroup(id, owner, state, resources);
    }
}
