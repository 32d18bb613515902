using System.Runtime.Versioning;
using ClusterBackup.Engine.Common;
using Microsoft.Management.Infrastructure;
using Microsoft.Management.Infrastructure.Options;

namespace ClusterBackup.Engine.Cluster.Wsfc;

/// <summary>
/// root/MSCluster through a CimSession (Microsoft.Management.Infrastructure), the way PowerShell 7's CIM cmdlets
/// reach it: on the cluster itself (".", "localhost") over DCOM with packet privacy, as the failover cluster WMI
/// provider requires; on a remote node over WS-Management (WinRM, encrypted), as <c>New-CimSession -ComputerName</c>
/// does. Unverified on a live cluster: this development environment has no Windows cluster; the mapping from the
/// instances it returns is tested on recorded instances (WsfcClusterServiceTests).
/// </summary>
public sealed class CimSessionSource(string computerName, TimeSpan timeout) : ICimSource
{
    private const string Namespace = "root/MSCluster";

    /// <summary>The node or cluster name the session opens; "." or "localhost" is this machine.</summary>
    public string ComputerName { get; } = computerName;

    /// <inheritdoc />
    public Task<IReadOnlyList<CimInstanceData>> GetInstancesAsync(string className, IReadOnlyList<string> properties, CancellationToken cancellationToken)
    {
        if (!OperatingSystem.IsWindows())
            throw new ClusterBackupException(ErrorKind.NotImplemented, ComputerName,
                $"The Wsfc provider reads root/MSCluster through CIM, which the failover cluster provider serves only on Windows; cluster '{ComputerName}' cannot be read from this machine.");
        return QueryOnWorkerAsync(className, properties, cancellationToken);
    }

    [SupportedOSPlatform("windows")]
    private Task<IReadOnlyList<CimInstanceData>> QueryOnWorkerAsync(string className, IReadOnlyList<string> properties, CancellationToken cancellationToken) =>
        Task.Run(() => Query(className, properties, cancellationToken), cancellationToken);

    [SupportedOSPlatform("windows")]
    private IReadOnlyList<CimInstanceData> Query(string className, IReadOnlyList<string> properties, CancellationToken cancellationToken)
    {
        var local = ComputerName is "." or "localhost";
        var where = local ? Namespace : $"{Namespace} on {ComputerName}";
        try
        {
            using CimSessionOptions options = local
                ? new DComSessionOptions { PacketPrivacy = true, PacketIntegrity = true, Impersonation = ImpersonationType.Impersonate, Timeout = timeout }
                : new WSManSessionOptions { Timeout = timeout };
            using var session = CimSession.Create(local ? null : ComputerName, options);
            using var operation = new CimOperationOptions { Timeout = timeout, CancellationToken = cancellationToken };
            // Class and property names come from this provider's constants, never from user input.
            var query = $"SELECT {string.Join(", ", properties)} FROM {className}";
            var result = new List<CimInstanceData>();
            foreach (var instance in session.QueryInstances(Namespace, "WQL", query, operation))
                using (instance)
                    result.Add(ToData(className, instance));
            return result;
        }
        catch (CimException ex) when (ex.NativeErrorCode == NativeErrorCode.AccessDenied)
        {
            throw new ClusterBackupException(ErrorKind.PermissionDenied, ComputerName, $"Access to {where} was denied: {ex.Message}", ex);
        }
        catch (CimException ex)
        {
            throw new ClusterBackupException(ErrorKind.ConnectionError, ComputerName, $"Reading {className} from {where} failed ({ex.NativeErrorCode}): {ex.Message}", ex);
        }
    }

    [SupportedOSPlatform("windows")]
    private static CimInstanceData ToData(string className, CimInstance instance)
    {
        var values = new Dictionary<string, object?>(StringComparer.OrdinalIgnoreCase);
        foreach (var property in instance.CimInstanceProperties)
            values[property.Name] = property.Value is CimInstance embedded ? ToData(property.Name, embedded) : property.Value;
        return new CimInstanceData(className, values);
    }
}
