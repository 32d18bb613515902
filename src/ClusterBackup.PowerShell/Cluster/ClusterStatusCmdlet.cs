using System.Collections;
using System.Management.Automation;
using ClusterBackup.Engine.Cluster;
using ClusterBackup.Engine.Configuration;

namespace ClusterBackup.PowerShell.Cluster;

/// <summary>
/// The base of the cmdlets that read a cluster's status through its provider (Get-ClusterDbNode, Get-ClusterDbGroup):
/// it holds the cluster and provider parameters once, turns them into a ClusterDefinition (binding only; the engine
/// validates) and runs the read-only status operation.
/// </summary>
public abstract class ClusterStatusCmdlet : ClusterBackupCmdlet
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

    /// <summary>Asks the cluster's provider for its nodes and groups, and the owner of <paramref name="virtualServer"/> when given.</summary>
    protected ClusterStatusReport ReadClusterStatus(string? virtualServer = null)
    {
        var definition = ToDefinition();
        return RunEngine((token, reporter) => new ReadClusterStatusOperation().RunAsync(new ClusterStatusRequest(definition, virtualServer), reporter, token));
    }

    private ClusterDefinition ToDefinition()
    {
        var settings = new List<KeyValuePair<string, string?>>();
        if (Setting is not null)
            foreach (DictionaryEntry entry in Setting)
                settings.Add(new(entry.Key.ToString()!, entry.Value?.ToString()));
        settings.Add(new("crmMon", CrmMon));
        settings.Add(new("commandPrefix", CommandPrefix));
        settings.Add(new("computerName", ComputerName));
        settings.Add(new("timeoutSeconds", TimeoutSeconds?.ToString(System.Globalization.CultureInfo.InvariantCulture)));
        return ClusterDefinitionParameters.Build(Name, Provider, settings);
    }
}
