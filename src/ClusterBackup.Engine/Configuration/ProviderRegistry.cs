using ClusterBackup.Engine.Cluster;
using ClusterBackup.Engine.Common;
using ClusterBackup.Engine.Databases;

namespace ClusterBackup.Engine.Configuration;

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
