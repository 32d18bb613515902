using ClusterBackup.Engine.Common;
using ClusterBackup.Engine.Configuration;
using Newtonsoft.Json.Linq;

namespace ClusterBackup.Engine.Cluster.Wsfc;

/// <summary>
/// Settings of the Wsfc provider: <c>computerName</c>, the cluster name or a node to read root\MSCluster on
/// (default: the cluster's name; "." for this machine), and <c>timeoutSeconds</c> (default 30).
/// </summary>
public sealed record WsfcSettings(string ComputerName, TimeSpan Timeout)
{
    public static WsfcSettings FromDefinition(ClusterDefinition definition)
    {
        var timeout = definition.Settings["timeoutSeconds"] is { Type: JTokenType.Integer or JTokenType.Float } t ? t.Value<double>() : 30;
        if (timeout <= 0)
            throw new ClusterBackupException(ErrorKind.InvalidArgument, definition.Name, $"Cluster '{definition.Name}': timeoutSeconds must be positive, not {timeout}.");
        return new WsfcSettings(definition.Settings.Value<string>("computerName") is { Length: > 0 } c ? c : definition.Name, TimeSpan.FromSeconds(timeout));
    }
}
