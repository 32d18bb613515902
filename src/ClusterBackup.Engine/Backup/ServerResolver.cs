using ClusterBackup.Engine.Common;
using ClusterBackup.Engine.Configuration;
using ClusterBackup.Engine.Databases;

namespace ClusterBackup.Engine.Backup;

/// <summary>A virtual server resolved to where it runs now: its cluster, engine and active server.</summary>
public sealed record ResolvedServer(ClusterDefinition Cluster, ServerDefinition Definition, IDatabaseEngine Engine, DatabaseServer Active);

/// <summary>
/// One request's answer to "where does this virtual server run, and which of its databases are there": the server
/// (null when none of the databases exists there), the databases to back up, in order, and those that are not
/// there, each with its error.
/// </summary>
public sealed record ServerResolution(ResolvedServer? Server, IReadOnlyList<string> Databases, IReadOnlyDictionary<string, ClusterBackupException> DatabaseErrors);

/// <summary>
/// Cluster -> owner node -> the engine's active server, once per request. The cluster provider names the owner; the
/// engine confirms it is the active server (for PostgreSQL: not in recovery) and otherwise finds the one that is
/// among the other nodes, so a stale owner (a Static topology not updated after a failover) still works. The cluster
/// is asked once and the active server found once; every further database is checked on that same server only, so
/// a failover in the middle of a request can never send its databases to different nodes: a database whose check
/// fails there gets its own error instead.
/// </summary>
public static class ServerResolver
{
    /// <summary>
    /// Resolves <paramref name="server"/> through the cluster and engine <paramref name="providers"/> create, once, and checks <paramref name="databases"/> on it; with no databases, lists
    /// the server's user databases instead, less <paramref name="exclude"/>.
    /// </summary>
    public static async Task<ServerResolution> ResolveAsync(ClusterBackupConfiguration configuration, ProviderRegistry providers, ServerDefinition server, IReadOnlyList<string> databases,
        IOperationReporter reporter, CancellationToken cancellationToken, IReadOnlyCollection<string>? exclude = null)
    {
        var cluster = configuration.GetCluster(server.Cluster);
        var clusterService = providers.CreateCluster(cluster);
        var engine = providers.CreateEngine(server);
        var nodes = await clusterService.GetNodesAsync(cancellationToken).ConfigureAwait(false);
        string? ownerName = null;
        try
        {
            var owner = await clusterService.GetOwnerAsync(server.Name, cancellationToken).ConfigureAwait(false);
            ownerName = owner.Node;
            reporter.Verbose($"Cluster '{cluster.Name}' says node {owner.Node} owns '{server.Name}' (group {owner.Group}).");
        }
        catch (ClusterBackupException ex) when (ex.Kind == ErrorKind.ResourceUnavailable)
        {
            reporter.Warning(ex.Message + " Looking for the active server among the cluster's nodes.");
        }
        // Owner first, then the nodes that are up, then the rest: the engine tries them in this order.
        var ordered = nodes.OrderBy(n => string.Equals(n.Name, ownerName, StringComparison.OrdinalIgnoreCase) ? 0 : n.IsUp ? 1 : 2).ToList();
        var byAddress = new Dictionary<string, string>(StringComparer.OrdinalIgnoreCase);
        var candidates = new List<string>();
        foreach (var node in ordered)
        {
            var address = node.Address ?? node.Name;
            byAddress.TryAdd(address, node.Name);
            candidates.Add(address);
        }

        ResolvedServer? resolved = null;
        string? activeCandidate = null;
        var errors = new Dictionary<string, ClusterBackupException>(StringComparer.Ordinal);
        if (databases.Count == 0)
        {
            var active = await engine.FindActiveServerAsync(server.Name, candidates, null, cancellationToken).ConfigureAwait(false);
            if (byAddress.TryGetValue(active.Node, out var nodeName))
                active = active with { Node = nodeName };
            resolved = new ResolvedServer(cluster, server, engine, active);
            var all = await engine.ListUserDatabasesAsync(active, cancellationToken).ConfigureAwait(false);
            var chosen = all.Where(d => exclude is null || !exclude.Contains(d, StringComparer.OrdinalIgnoreCase)).ToList();
            reporter.Verbose($"Active server of '{server.Name}': node {active.Node} ({active.ConnectionTarget}); user databases: {string.Join(", ", all)}"
                + (chosen.Count < all.Count ? $"; excluded: {string.Join(", ", all.Except(chosen))}." : "."));
            return new ServerResolution(resolved, chosen, errors);
        }
        foreach (var database in databases)
        {
            cancellationToken.ThrowIfCancellationRequested();
            if (resolved is null)
            {
                try
                {
                    var active = await engine.FindActiveServerAsync(server.Name, candidates, database, cancellationToken).ConfigureAwait(false);
                    activeCandidate = active.Node;
                    if (byAddress.TryGetValue(active.Node, out var nodeName))
                        active = active with { Node = nodeName };
                    reporter.Verbose($"Active server of '{server.Name}': node {active.Node} ({active.ConnectionTarget}).");
                    resolved = new ResolvedServer(cluster, server, engine, active);
                }
                catch (ClusterBackupException ex) when (IsAboutTheDatabase(ex, database, server.Name))
                {
                    errors[database] = ex;
                }
                continue;
            }
            try
            {
                // The same node only: a database that is not there now is an error of its own, never a second resolution.
                await engine.FindActiveServerAsync(server.Name, [activeCandidate!], database, cancellationToken).ConfigureAwait(false);
            }
            catch (ClusterBackupException ex)
            {
                errors[database] = IsAboutTheDatabase(ex, database, server.Name)
                    ? ex
                    : new ClusterBackupException(ex.Kind, database,
                        $"Database '{database}' was not backed up: node {resolved.Active.Node}, which this request found active for '{server.Name}', no longer answers as the active server: {ex.Message}", ex);
            }
        }
        return new ServerResolution(resolved, databases, errors);
    }

    /// <summary>An engine error about one database (missing, offline, not backupable) rather than about the server.</summary>
    private static bool IsAboutTheDatabase(ClusterBackupException ex, string database, string server) =>
        string.Equals(ex.Target, database, StringComparison.Ordinal) && !string.Equals(ex.Target, server, StringComparison.OrdinalIgnoreCase);
}
