using System.Net;
using ClusterBackup.Engine.Clusters;
using ClusterBackup.Engine.Databases;
using Newtonsoft.Json.Linq;

namespace ClusterBackup.Engine.Configuration;

/// <summary>A cluster as configured: its name, the provider that answers for it, and that provider's own settings.</summary>
/// <param name="Provider">"Static", "Pacemaker" or "Wsfc".</param>
/// <param name="Settings">Provider-specific settings (a topology file, a crm_mon path, a CIM host...).</param>
public sealed record ClusterDefinition(string Name, string Provider, JObject Settings);

/// <summary>A virtual server as configured: the cluster it lives in, its engine, and the engine's own settings.</summary>
/// <param name="Name">The virtual server name (SQL Server network name, PostgreSQL virtual address name).</param>
/// <param name="Engine">"SqlServer" or "PostgreSql".</param>
/// <param name="Settings">Engine-specific settings (port, tool paths, connection options).</param>
/// <param name="Credential">Credentials to connect with; null means integrated or trust authentication.</param>
public sealed record ServerDefinition(string Name, string Cluster, string Engine, JObject Settings, NetworkCredential? Credential = null);

/// <summary>Creates the cluster service for one provider name. Implementations are discovered by reflection.</summary>
public interface IClusterServiceFactory
{
    string Provider { get; }

    IClusterService Create(ClusterDefinition definition);
}

/// <summary>Creates the database engine for one engine name. Implementations are discovered by reflection.</summary>
public interface IDatabaseEngineFactory
{
    string Engine { get; }

    IDatabaseEngine Create(ServerDefinition definition);
}

/// <summary>
/// Chooses providers by the name configuration gives, so no code branches on provider names:
/// every <see cref="IClusterServiceFactory"/> and <see cref="IDatabaseEngineFactory"/> in this assembly is known by its name.
/// </summary>
public static class ProviderRegistry
{
    private static readonly Lazy<IReadOnlyDictionary<string, IClusterServiceFactory>> ClusterFactories = new(() => Discover<IClusterServiceFactory>(f => f.Provider));
    private static readonly Lazy<IReadOnlyDictionary<string, IDatabaseEngineFactory>> EngineFactories = new(() => Discover<IDatabaseEngineFactory>(f => f.Engine));

    public static IReadOnlyCollection<string> ClusterProviders => ClusterFactories.Value.Keys.ToList();

    public static IReadOnlyCollection<string> DatabaseEngines => EngineFactories.Value.Keys.ToList();

    public static IClusterService CreateCluster(ClusterDefinition definition) =>
        ClusterFactories.Value.TryGetValue(definition.Provider, out var factory)
            ? factory.Create(definition)
            : throw new ClusterBackupException(ErrorKind.InvalidArgument, definition.Name,
                $"Cluster '{definition.Name}' names provider '{definition.Provider}', which is not one of: {string.Join(", ", ClusterFactories.Value.Keys.Order())}.");

    public static IDatabaseEngine CreateEngine(ServerDefinition definition) =>
        EngineFactories.Value.TryGetValue(definition.Engine, out var factory)
            ? factory.Create(definition)
            : throw new ClusterBackupException(ErrorKind.InvalidArgument, definition.Name,
                $"Server '{definition.Name}' names engine '{definition.Engine}', which is not one of: {string.Join(", ", EngineFactories.Value.Keys.Order())}.");

    private static IReadOnlyDictionary<string, T> Discover<T>(Func<T, string> name) =>
        typeof(ProviderRegistry).Assembly.GetTypes()
            .Where(t => typeof(T).IsAssignableFrom(t) && t is { IsAbstract: false, IsInterface: false })
            .Select(t => (T)Activator.CreateInstance(t, nonPublic: true)!)
            .ToDictionary(name, StringComparer.OrdinalIgnoreCase);
}
