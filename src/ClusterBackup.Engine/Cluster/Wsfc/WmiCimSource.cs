using System.Management;
using System.Runtime.Versioning;
using ClusterBackup.Engine.Common;

namespace ClusterBackup.Engine.Cluster.Wsfc;

/// <summary>
/// root\MSCluster through System.Management (WMI/DCOM), on the cluster itself or a remote node
/// (\\computer\root\MSCluster with packet privacy, as the failover cluster WMI provider requires).
/// Unverified on a live cluster: this development environment has no Windows cluster.
/// </summary>
public sealed class WmiCimSource(string computerName, TimeSpan timeout) : ICimSource
{
    public string ComputerName { get; } = computerName;

    public Task<IReadOnlyList<CimInstanceData>> GetInstancesAsync(string className, IReadOnlyList<string> properties, CancellationToken cancellationToken)
    {
        if (!OperatingSystem.IsWindows())
            throw new ClusterBackupException(ErrorKind.NotImplemented, ComputerName,
                $"The Wsfc provider reads root\\MSCluster through WMI, which exists only on Windows; cluster '{ComputerName}' cannot be read from this machine.");
        return QueryOnWorkerAsync(className, properties, cancellationToken);
    }

    [SupportedOSPlatform("windows")]
    private Task<IReadOnlyList<CimInstanceData>> QueryOnWorkerAsync(string className, IReadOnlyList<string> properties, CancellationToken cancellationToken) =>
        Task.Run(() => Query(className, properties), cancellationToken);

    [SupportedOSPlatform("windows")]
    private IReadOnlyList<CimInstanceData> Query(string className, IReadOnlyList<string> properties)
    {
        var path = ComputerName is "." or "localhost" ? @"root\MSCluster" : $@"\\{ComputerName}\root\MSCluster";
        var scope = new ManagementScope(path, new ConnectionOptions
        {
            Authentication = AuthenticationLevel.PacketPrivacy,
            Impersonation = ImpersonationLevel.Impersonate,
            Timeout = timeout,
        });
        try
        {
            scope.Connect();
            // Class and property names come from this provider's constants, never from user input.
            var query = new SelectQuery(className, null, properties.ToArray());
            using var searcher = new ManagementObjectSearcher(scope, query, new System.Management.EnumerationOptions { Timeout = timeout, ReturnImmediately = false });
            using var results = searcher.Get();
            return results.Cast<ManagementBaseObject>().Select(o => ToData(className, o)).ToList();
        }
        catch (ManagementException ex)
        {
            throw new ClusterBackupException(ErrorKind.ConnectionError, ComputerName, $"Reading {className} from {path} failed: {ex.Message}", ex);
        }
        catch (System.Runtime.InteropServices.COMException ex)
        {
            throw new ClusterBackupException(ErrorKind.ConnectionError, ComputerName, $"Cannot reach {path}: {ex.Message}", ex);
        }
        catch (UnauthorizedAccessException ex)
        {
            throw new ClusterBackupException(ErrorKind.PermissionDenied, ComputerName, $"Access to {path} was denied: {ex.Message}", ex);
        }
    }

    [SupportedOSPlatform("windows")]
    private static CimInstanceData ToData(string className, ManagementBaseObject instance)
    {
        var values = new Dictionary<string, object?>(StringComparer.OrdinalIgnoreCase);
        foreach (var property in instance.Properties)
            values[property.Name] = property.Value is ManagementBaseObject embedded ? ToData(property.Name, embedded) : property.Value;
        return new CimInstanceData(className, values);
    }
}
