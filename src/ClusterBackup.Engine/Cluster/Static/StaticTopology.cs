using ClusterBackup.Engine.Common;
using Newtonsoft.Json;
using Newtonsoft.Json.Linq;

namespace ClusterBackup.Engine.Cluster.Static;

/// <summary>
/// The topology file the Static provider reads (format version 1, docs/configuration.md): nodes with an
/// address and a state, and groups (virtual servers) with the node that owns them and their resources.
/// Every read validates the version and the references between groups and nodes.
/// </summary>
public sealed record StaticTopology(string? Cluster, IReadOnlyList<ClusterNode> Nodes, IReadOnlyList<ClusterGroup> Groups)
{
    public const int CurrentVersion = 1;

    public static StaticTopology Load(string path)
    {
        if (!File.Exists(path))
            throw new ClusterBackupException(ErrorKind.ObjectNotFound, path, $"The cluster topology file '{path}' does not exist.");
        string text;
        try
        {
            text = File.ReadAllText(path);
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
        {
            throw new ClusterBackupException(ErrorKind.ReadError, path, $"Cannot read the cluster topology file '{path}': {ex.Message}", ex);
        }
        return Parse(text, path);
    }

    public static StaticTopology Parse(string text, string path)
    {
        var root = VersionedJson.Parse(text, path, "cluster topology file", "version", CurrentVersion, ErrorKind.InvalidConfiguration);

        var nodes = new List<ClusterNode>();
        foreach (var (item, i) in Objects(root, "nodes", path))
        {
            var name = Required(item, "name", path, $"nodes[{i}]");
            if (nodes.Any(n => string.Equals(n.Name, name, StringComparison.OrdinalIgnoreCase)))
                throw Malformed(path, $"names node '{name}' twice");
            nodes.Add(new ClusterNode(name, ParseEnum(item, "state", ClusterNodeState.Online, path, $"node '{name}'"), (string?)item["address"]));
        }

        var groups = new List<ClusterGroup>();
        foreach (var (item, i) in Objects(root, "groups", path))
        {
            var name = Required(item, "name", path, $"groups[{i}]");
            var owner = (string?)item["owner"];
            if (owner is not null && !nodes.Any(n => string.Equals(n.Name, owner, StringComparison.OrdinalIgnoreCase)))
                throw Malformed(path, $"gives group '{name}' the owner '{owner}', which is not one of its nodes");
            var state = ParseEnum(item, "state", owner is null ? ClusterGroupState.Offline : ClusterGroupState.Online, path, $"group '{name}'");
            var resources = Objects(item, "resources", path).Select(r => new ClusterResource(
                Required(r.Item, "name", path, $"group '{name}' resources[{r.Index}]"), (string?)r.Item["type"] ?? "", name, owner,
                (string?)r.Item["state"] ?? state.ToString())).ToList();
            groups.Add(new ClusterGroup(name, owner, state, resources));
        }
        return new StaticTopology((string?)root["cluster"], nodes, groups);
    }

    private static IEnumerable<(JObject Item, int Index)> Objects(JObject parent, string key, string path) =>
        parent[key] switch
        {
            null => [],
            JArray array => array.Select((t, i) => (t as JObject ?? throw Malformed(path, $"has {key}[{i}] that is not an object"), i)).ToList(),
            _ => throw Malformed(path, $"has a '{key}' that is not a list"),
        };

    private static string Required(JObject item, string key, string path, string where) =>
        item[key] is { Type: JTokenType.String } t && !string.IsNullOrWhiteSpace((string?)t) ? (string)t! : throw Malformed(path, $"has {where} without a '{key}'");

    private static T ParseEnum<T>(JObject item, string key, T fallback, string path, string where) where T : struct, Enum
    {
        var text = (string?)item[key];
        if (text is null)
            return fallback;
        return Enum.TryParse<T>(text, ignoreCase: true, out var value)
            ? value
            : throw Malformed(path, $"gives {where} the {key} '{text}', which is not one of: {string.Join(", ", Enum.GetNames<T>())}");
    }

    private static ClusterBackupException Malformed(string path, string what) =>
        new(ErrorKind.InvalidConfiguration, path, $"The cluster topology file '{path}' {what}.");
}
