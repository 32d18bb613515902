using ClusterBackup.Engine.Common;

namespace ClusterBackup.Engine.Cluster.Pacemaker;

/// <summary>
/// The cluster as Pacemaker reports it: runs <c>crm_mon -1 --output-as=xml</c> (locally, or behind a command
/// prefix such as ssh or nsenter) on every question, so the answer is never older than the call.
/// Verified here against a real three-node Pacemaker 2.1.5 / Corosync 3.1.7 cluster (network namespaces),
/// including the owner after <c>crm_resource --move</c> and after a node failure.
/// </summary>
public sealed class PacemakerClusterService(string clusterName, PacemakerSettings settings, ICommandRunner runner) : IClusterService
{
    public string ClusterName { get; } = clusterName;

    public PacemakerSettings Settings { get; } = settings;

    public async Task<PacemakerStatus> GetStatusAsync(CancellationToken cancellationToken = default)
    {
        var commandLine = Settings.CommandLine;
        var source = $"crm_mon for cluster '{ClusterName}'";
        var output = await runner.RunAsync(commandLine, Settings.Timeout, cancellationToken).ConfigureAwait(false);
        // crm_mon prints a <pacemaker-result> with a status code even when it fails (e.g. 102, not connected);
        // that text explains the failure better than the exit code, so parse it whenever there is some.
        if (output.StandardOutput.Contains("<pacemaker-result", StringComparison.Ordinal))
            return WithAddresses(CrmMonStatusParser.Parse(output.StandardOutput, source));
        var detail = output.StandardError.Trim();
        throw new ClusterBackupException(ErrorKind.ConnectionError, ClusterName,
            $"{source} ('{string.Join(' ', commandLine)}') exited with code {output.ExitCode} and printed no status"
            + (detail.Length > 0 ? $": {detail}" : "."));
    }

    public async Task<IReadOnlyList<ClusterNode>> GetNodesAsync(CancellationToken cancellationToken = default) =>
        (await GetStatusAsync(cancellationToken).ConfigureAwait(false)).Nodes;

    public async Task<IReadOnlyList<ClusterGroup>> GetGroupsAsync(CancellationToken cancellationToken = default) =>
        (await GetStatusAsync(cancellationToken).ConfigureAwait(false)).Groups;

    public async Task<ClusterOwner> GetOwnerAsync(string virtualServer, CancellationToken cancellationToken = default)
    {
        var status = await GetStatusAsync(cancellationToken).ConfigureAwait(false);
        return ClusterOwnerLookup.Find(ClusterName, virtualServer, status.Groups, status.Nodes);
    }

    private PacemakerStatus WithAddresses(PacemakerStatus status) => Settings.NodeAddresses is not { } addresses ? status
        : status with { Nodes = status.Nodes.Select(n => addresses.TryGetValue(n.Name, out var address) ? n with { Address = address } : n).ToList() };
}
