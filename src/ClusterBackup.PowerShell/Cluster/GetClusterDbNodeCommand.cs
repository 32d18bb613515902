using System.Management.Automation;
using ClusterBackup.Engine.Cluster;

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
public sealed class GetClusterDbNodeCommand : ClusterStatusCmdlet
{
    protected override void ProcessRecord()
    {
        try
        {
            foreach (var node in ReadClusterStatus().Nodes)
                WriteObject(node);
        }
        catch (Exception ex) when (ex is not PipelineStoppedException)
        {
            WriteEngineError(ex, Name);
        }
    }
}
