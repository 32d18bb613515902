using ClusterBackup.Engine.Cluster;
using ClusterBackup.Engine.Common;
using ClusterBackup.Engine.Databases;

namespace ClusterBackup.Engine.Configuration;

/// <summary>
/// Chooses providers by the name configuration gives, so no code branches on provider names: each cluster-service
/// and database-engine factory it holds is known by its name. Operations receive one from the engine entry point
/// (<see cref="Common.EngineSession"/>): the real providers (<see cref="Default"/>) everywhere, and a registry of test
/// doubles only where the double is the point of a test.
/// </summary>
public sealed class ProviderRegistry
{
    private static readonly Lazy<ProviderRegistry> Discovered = new(() => new ProviderRegistry(Discover<IClusterServiceFactory>(), Discover<IDatabaseEngineFactory>()));

    private readonly IReadOnlyDictionary<string, IClusterServiceFactory> _clusterFactories;
    private readonly IReadOnlyDictionary<string, IDatabaseEngineFactory> _engineFactories;

    /// <summary>A registry of exactly these factories; a name given twice is a programming error.</summary>
    public ProviderRegistry(IEnumerable<IClusterServiceFactory> clusterFactories, IEnumerable<IDatabaseEngineFactory> engineFactories)
    {
        _clusterFactories = clusterFactories.ToDictionary(f => f.Provider, StringComparer.OrdinalIgnoreCase);
        _engineFactories = engineFactories.ToDictionary(f => f.Engine, StringComparer.OrdinalIgnoreCase);
    }

    /// <summary>The real providers: every <see cref="IClusterServiceFactory"/> and <see cref="IDatabaseEngineFactory"/> in this assembly.</summary>
    public static ProviderRegistry Default => Discovered.Value;

    public IReadOnlyCollection<string> ClusterProviders => _clusterFactories.Keys.ToList();

    public IReadOnlyCollection<string> DatabaseEngines => _engineFactories.Keys.ToList();

    public IClusterService CreateCluster(ClusterDefinition definition) =>
        _clusterFactories.TryGetValue(definition.Provider, out var factory)
            ? factory.Create(definition)
            : throw new ClusterBackupException(ErrorKind.InvalidArgument, definition.Name,
                $"Cluster '{definition.Name}' names provider '{definition.Provider}', which is not one of: {string.Join(", ", _clusterFactories.Keys.Order())}.");

    public IDatabaseEngine CreateEngine(ServerDefinition definition) =>
        _engineFactories.TryGetValue(definition.Engine, out var factory)
            ? factory.Create(definition)
            : throw new ClusterBackupException(ErrorKind.InvalidArgument, definition.Name,
                $"Server '{definition.Name}' names engine '{definition.Engine}', which is not one of: {string.Join(", ", _engineFactories.Keys.Order())}.");

    private static IEnumerable<T> Discover<T>() =>
        typeof(ProviderRegistry).Assembly.GetTypes()
            .Where(t => typeof(T).IsAssignableFrom(t) && t is { IsAbstract: false, IsInterface: false })
            .Select(t => (T)Activator.CreateInstance(t, nonPublic: true)!)
            .ToList();
}
