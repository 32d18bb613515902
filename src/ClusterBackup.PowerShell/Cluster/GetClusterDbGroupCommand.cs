using System.Management.Automation;
using ClusterBackup.Engine.Cluster;

namespace ClusterBackup.PowerShell.Cluster;

/// <summary>
/// <para type="synopsis">Shows the groups (roles) of a cluster, their state, their resources and the node that runs each now.</para>
/// <para type="description">Asks the cluster's provider and writes one ClusterGroupStatus per group. With -VirtualServer it writes
/// only the group that carries that virtual server (found by its network name, group name or resource name), so the owner
/// of a SQL Server instance or a PostgreSQL virtual address is one command away. Read-only.</para>
/// <example>
/// <code>Get-ClusterDbGroup -Name WSFC1 -Provider Wsfc -VirtualServer SQLVS1</code>
/// <para>Shows the role that carries the SQL Server network name SQLVS1 and the node that owns it now.</para>
/// </example>
/// <example>
/// <code>Get-ClusterDbGroup -Name pcmk1 -Provider Pacemaker | Where-Object State -ne Online</code>
/// <para>Lists the Pacemaker groups and resources that are not fully running.</para>
/// </example>
/// </summary>
[Cmdlet(VerbsCommon.Get, "ClusterDbGroup")]
[OutputType(typeof(ClusterGroupStatus))]
public sealed class GetClusterDbGroupCommand : ClusterStatusCmdlet
{
    /// <summary>Only the group that carries this virtual server (network name, group or resource name).</summary>
    [Parameter(ValueFromPipelineByPropertyName = true)]
    [Alias("SqlInstance", "Server")]
    public string? VirtualServer { get; set; }

    protected override void ProcessRecord()
    {
        try
        {
            var report = ReadClusterStatus(VirtualServer);
            foreach (var group in report.Groups)
                if (report.Owner is null || string.Equals(group.Name, report.Owner.Group, StringComparison.Ordinal))
                    WriteObject(group);
        }
        catch (Exception ex) when (ex is not PipelineStoppedException)
        {
            WriteEngineError(ex, VirtualServer ?? Name);
        }
    }
}
