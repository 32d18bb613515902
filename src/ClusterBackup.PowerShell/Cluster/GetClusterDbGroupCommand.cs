using System.Collections;
using System.Management.Automation;
using ClusterBackup.Engine.Clusters;

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
public sealed class GetClusterDbGroupCommand : ClusterBackupCmdlet
{
    /// <summary>The cluster's name (also the WMI computer to ask, for Wsfc, unless -ComputerName says otherwise).</summary>
    [Parameter(Mandatory = true, Position = 0, ValueFromPipelineByPropertyName = true)]
    [Alias("Cluster")]
    public string Name { get; set; } = "";

    /// <summary>The cluster provider: Pacemaker, Wsfc or Static.</summary>
    [Parameter(Mandatory = true, ValueFromPipelineByPropertyName = true)]
    public string Provider { get; set; } = "";

    /// <summary>Only the group that carries this virtual server (network name, group or resource name).</summary>
    [Parameter(ValueFromPipelineByPropertyName = true)]
    [Alias("SqlInstance", "Server")]
    public string? VirtualServer { get; set; }

    /// <summary>Pacemaker: the crm_mon program (default crm_mon on PATH).</summary>
    [Parameter]
    public string? CrmMon { get; set; }

    /// <summary>Pacemaker: a command that runs crm_mon elsewhere, e.g. 'ssh root@node1' or 'nsenter -t 4242 -m -n -u'.</summary>
    [Parameter]
    public string? CommandPrefix { get; set; }

    /// <summary>Wsfc: the cluster or node whose root\MSCluster to read (default: the cluster name).</summary>
    [Parameter]
    public string? ComputerName { get; set; }

    /// <summary>How long one provider call may take, in seconds (default 30).</summary>
    [Parameter]
    [ValidateRange(1, 3600)]
    public int? TimeoutSeconds { get; set; }

    /// <summary>Any other provider setting as name = value, e.g. @{ topologyFile = 'C:\cb\topology.json' } for Static.</summary>
    [Parameter]
    public Hashtable? Setting { get; set; }

    protected override void ProcessRecord()
    {
        try
        {
            var definition = ClusterParameters.ToDefinition(Name, Provider, CrmMon, CommandPrefix, ComputerName, TimeoutSeconds, Setting);
            var report = RunEngine((token, reporter) => new ReadClusterStatusOperation().RunAsync(new ClusterStatusRequest(definition, VirtualServer), reporter, token));
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
