using System.Collections;
using System.Management.Automation;
using ClusterBackup.Engine.Clusters;

namespace ClusterBackup.PowerShell.Cluster;

/// <summary>
/// <para type="synopsis">Shows the nodes of a cluster, whether they are up, and which groups each one owns now.</para>
/// <para type="description">Asks the cluster's provider (Pacemaker: crm_mon; Wsfc: root\MSCluster; Static: the topology file)
/// and writes one ClusterNodeStatus per node. Read-only: nothing in the cluster changes. The provider and its settings are
/// given as parameters, so no configuration file is needed.</para>
/// <example>
/// <code>Get-ClusterDbNode -Name pcmk1 -Provider Pacemaker -CommandPrefix 'ssh root@node1'</code>
/// <para>Runs crm_mon on node1 over ssh and lists the Pacemaker nodes, their state and the groups they run.</para>
/// </example>
/// <example>
/// <code>Get-ClusterDbNode -Name WSFC1 -Provider Wsfc -ComputerName NODE1</code>
/// <para>Reads the Windows failover cluster WSFC1 through WMI on NODE1.</para>
/// </example>
/// </summary>
[Cmdlet(VerbsCommon.Get, "ClusterDbNode")]
[OutputType(typeof(ClusterNodeStatus))]
public sealed class GetClusterDbNodeCommand : ClusterBackupCmdlet
{
    /// <summary>The cluster's name (also the WMI computer to ask, for Wsfc, unless -ComputerName says otherwise).</summary>
    [Parameter(Mandatory = true, Position = 0, ValueFromPipelineByPropertyName = true)]
    [Alias("Cluster")]
    public string Name { get; set; } = "";

    /// <summary>The cluster provider: Pacemaker, Wsfc or Static.</summary>
    [Parameter(Mandatory = true, ValueFromPipelineByPropertyName = true)]
    public string Provider { get; set; } = "";

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
            var report = RunEngine((token, reporter) => new ReadClusterStatusOperation().RunAsync(new ClusterStatusRequest(definition), reporter, token));
            foreach (var node in report.Nodes)
                WriteObject(node);
        }
        catch (Exception ex) when (ex is not PipelineStoppedException)
        {
            WriteEngineError(ex, Name);
        }
    }
}
