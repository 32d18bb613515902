using System.Net;
using ClusterBackup.Engine.Catalog;
using ClusterBackup.Engine.Common;
using Newtonsoft.Json;
using Newtonsoft.Json.Linq;

namespace ClusterBackup.Engine.Configuration;

/// <summary>
/// The configuration file: which clusters exist (name, provider, provider settings) and which virtual
/// servers live in them (name, cluster, engine, engine settings). Format version 1 is described in
/// docs/configuration.md. The default location is <c>clusterbackup.json</c> next to the catalog;
/// an explicit path or <c>CLUSTERBACKUP_CONFIG</c> overrides it.
/// </summary>
public sealed class ClusterBackupConfiguration
{
    public const string EnvironmentVariable = "CLUSTERBACKUP_CONFIG";
    public const string DefaultFileName = "clusterbackup.json";
    public const int CurrentVersion = 1;

    /// <summary>The settings key the loader adds to every provider's and engine's settings, so relative paths
    /// in them (a topology file, a WAL archive) are read relative to the configuration file.</summary>
    public const string ConfigurationDirectoryKey = "configurationDirectory";

    private readonly Dictionary<string, ClusterDefinition> _clusters;
    private readonly Dictionary<string, ServerDefinition> _servers;

    public ClusterBackupConfiguration(string path, IEnumerable<ClusterDefinition> clusters, IEnumerable<ServerDefinition> servers)
    {
        Path = path;
        _clusters = new Dictionary<string, ClusterDefinition>(StringComparer.OrdinalIgnoreCase);
        foreach (var cluster in clusters)
            if (!_clusters.TryAdd(cluster.Name, cluster))
                throw new ClusterBackupException(ErrorKind.InvalidConfiguration, path, $"Configuration '{path}' names cluster '{cluster.Name}' twice.");
        _servers = new Dictionary<string, ServerDefinition>(StringComparer.OrdinalIgnoreCase);
        foreach (var server in servers)
        {
            if (!_clusters.ContainsKey(server.Cluster))
                throw new ClusterBackupException(ErrorKind.InvalidConfiguration, server.Name,
                    $"Configuration '{path}': server '{server.Name}' names cluster '{server.Cluster}', which is not configured (clusters: {Names(_clusters.Keys)}).");
            if (!_servers.TryAdd(server.Name, server))
                throw new ClusterBackupException(ErrorKind.InvalidConfiguration, path, $"Configuration '{path}' names server '{server.Name}' twice.");
        }
    }

    /// <summary>The file this configuration was read from.</summary>
    public string Path { get; }

    public IReadOnlyCollection<ClusterDefinition> Clusters => _clusters.Values;

    public IReadOnlyCollection<ServerDefinition> Servers => _servers.Values;

    public ClusterDefinition GetCluster(string name) =>
        _clusters.TryGetValue(name, out var cluster)
            ? cluster
            : throw new ClusterBackupException(ErrorKind.ObjectNotFound, name,
                $"Cluster '{name}' is not in the configuration '{Path}' (configured clusters: {Names(_clusters.Keys)}).") { Cause = "ClusterNotFound" };

    public ServerDefinition GetServer(string name) =>
        _servers.TryGetValue(name, out var server)
            ? server
            : throw new ClusterBackupException(ErrorKind.ObjectNotFound, name,
                $"Server '{name}' is not in the configuration '{Path}' (configured servers: {Names(_servers.Keys)}).") { Cause = "ServerNotFound" };

    /// <summary>The servers configured in <paramref name="cluster"/>; an unknown cluster is an error.</summary>
    public IReadOnlyList<ServerDefinition> ServersIn(string cluster)
    {
        var definition = GetCluster(cluster);
        return _servers.Values.Where(s => string.Equals(s.Cluster, definition.Name, StringComparison.OrdinalIgnoreCase)).OrderBy(s => s.Name).ToList();
    }

    /// <summary>Where the configuration is read from: the explicit path, else CLUSTERBACKUP_CONFIG, else next to the catalog.</summary>
    public static string ResolvePath(string? explicitPath = null, string? catalogPath = null)
    {
        if (!string.IsNullOrWhiteSpace(explicitPath))
            return System.IO.Path.GetFullPath(explicitPath);
        var fromEnvironment = Environment.GetEnvironmentVariable(EnvironmentVariable);
        if (!string.IsNullOrWhiteSpace(fromEnvironment))
            return System.IO.Path.GetFullPath(fromEnvironment);
        var catalog = CatalogLocation.Resolve(catalogPath);
        return System.IO.Path.Combine(System.IO.Path.GetDirectoryName(catalog) ?? ".", DefaultFileName);
    }

    /// <summary>Reads and validates the configuration file; errors name the file and the element at fault.</summary>
    public static ClusterBackupConfiguration Load(string? explicitPath = null, string? catalogPath = null, NetworkCredential? credential = null)
    {
        var path = ResolvePath(explicitPath, catalogPath);
        if (!File.Exists(path))
            throw new ClusterBackupException(ErrorKind.ObjectNotFound, path,
                $"The configuration file '{path}' does not exist. Pass -ConfigurationPath (--config) or set {EnvironmentVariable}; docs/configuration.md describes the format.") { Cause = "ConfigurationNotFound" };
        string text;
        try
        {
            text = File.ReadAllText(path);
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
        {
            throw new ClusterBackupException(ErrorKind.ReadError, path, $"Cannot read the configuration file '{path}': {ex.Message}", ex);
        }
        return Parse(text, path, credential);
    }

    /// <summary>Parses configuration text; <paramref name="path"/> names it in errors and anchors relative paths.</summary>
    public static ClusterBackupConfiguration Parse(string text, string path, NetworkCredential? credential = null)
    {
        var root = VersionedJson.Parse(text, path, "configuration file", "version", CurrentVersion, ErrorKind.InvalidConfiguration);
        var directory = System.IO.Path.GetDirectoryName(System.IO.Path.GetFullPath(path)) ?? ".";

        var clusters = Array(root, "clusters", path).Select((item, i) =>
        {
            var where = $"clusters[{i}]";
            var name = RequiredString(item, "name", path, where);
            return new ClusterDefinition(name, RequiredString(item, "provider", path, $"cluster '{name}'"), Settings(item, path, $"cluster '{name}'", directory));
        }).ToList();

        var servers = Array(root, "servers", path).Select((item, i) =>
        {
            var where = $"servers[{i}]";
            var name = RequiredString(item, "name", path, where);
            return new ServerDefinition(name, RequiredString(item, "cluster", path, $"server '{name}'"), RequiredString(item, "engine", path, $"server '{name}'"),
                Settings(item, path, $"server '{name}'", directory), credential);
        }).ToList();

        return new ClusterBackupConfiguration(path, clusters, servers);
    }

    private static IEnumerable<JObject> Array(JObject root, string key, string path)
    {
        var token = root[key];
        if (token is null)
            return [];
        if (token is not JArray array)
            throw Malformed(path, $"has a '{key}' that is not a list");
        return array.Select((item, i) => item as JObject ?? throw Malformed(path, $"has {key}[{i}] that is not an object"));
    }

    private static string RequiredString(JObject item, string key, string path, string where) =>
        item[key] is { Type: JTokenType.String } token && !string.IsNullOrWhiteSpace(token.Value<string>())
            ? token.Value<string>()!
            : throw Malformed(path, $"has {where} without a '{key}'");

    private static JObject Settings(JObject item, string path, string where, string directory)
    {
        var token = item["settings"];
        var settings = token switch
        {
            null or { Type: JTokenType.Null } => new JObject(),
            JObject o => (JObject)o.DeepClone(),
            _ => throw Malformed(path, $"has {where} whose 'settings' is not an object"),
        };
        settings[ConfigurationDirectoryKey] = directory;
        return settings;
    }

    private static ClusterBackupException Malformed(string path, string what) =>
        new(ErrorKind.InvalidConfiguration, path, $"The configuration file '{path}' {what}. See docs/configuration.md.");

    private static string Names(IEnumerable<string> names)
    {
        var list = names.Order(StringComparer.OrdinalIgnoreCase).ToList();
        return list.Count == 0 ? "none" : string.Join(", ", list);
    }
}
