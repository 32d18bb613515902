using System.CommandLine;
using ClusterBackup.Engine.Cluster;
using ClusterBackup.Engine.Configuration;

namespace ClusterBackup.Cli.Commands;

/// <summary>`clusterbackup cluster status|owner`: who owns what in a cluster, read through its provider. Read-only.</summary>
public sealed class ClusterCommands : ICliCommandGroup
{
    public IEnumerable<Command> Build(CliContext context)
    {
        var cluster = new Command("cluster", "Ask a cluster's provider about its nodes, groups and owners (read-only).");

        var name = new Option<string>("--name") { Description = "The cluster's name (for Wsfc also the computer asked, unless --computer-name).", Required = true };
        var provider = new Option<string>("--provider") { Description = $"The cluster provider: {string.Join(", ", ProviderRegistry.Default.ClusterProviders.Order())}.", Required = true };
        var crmMon = new Option<string?>("--crm-mon") { Description = "Pacemaker: the crm_mon program (default: crm_mon on PATH)." };
        var prefix = new Option<string?>("--command-prefix") { Description = "Pacemaker: a command that runs crm_mon elsewhere, e.g. \"ssh root@node1\"." };
        var computer = new Option<string?>("--computer-name") { Description = "Wsfc: the cluster or node whose root\\MSCluster to read." };
        var timeout = new Option<int?>("--timeout") { Description = "Seconds one provider call may take (default 30)." };
        var setting = new Option<string[]>("--setting") { Description = "Any other provider setting, key=value (repeatable)." };
        Option[] shared = [name, provider, crmMon, prefix, computer, timeout, setting];

        ClusterDefinition Definition(ParseResult parse)
        {
            var settings = ClusterDefinitionParameters.ParsePairs(parse.GetValue(setting) ?? []).ToList();
            settings.Add(new("crmMon", parse.GetValue(crmMon)));
            settings.Add(new("commandPrefix", parse.GetValue(prefix)));
            settings.Add(new("computerName", parse.GetValue(computer)));
            settings.Add(new("timeoutSeconds", parse.GetValue(timeout)?.ToString(System.Globalization.CultureInfo.InvariantCulture)));
            return ClusterDefinitionParameters.Build(parse.GetValue(name)!, parse.GetValue(provider)!, settings);
        }

        var status = new Command("status", "List the nodes (state, groups owned) and the groups (owner, state, resources).");
        foreach (var option in shared)
            status.Options.Add(option);
        status.SetAction((parse, token) => context.ExecuteAsync(async () =>
        {
            var report = await new ReadClusterStatusOperation().RunAsync(new ClusterStatusRequest(Definition(parse)), context.Reporter(parse), token);
            var output = context.Output(parse);
            if (output.IsJson)
            {
                output.WriteOne(report);
                return CliContext.ExitOk;
            }
            output.Write(report.Nodes, CliTables.ClusterNodeStatus);
            context.Out.WriteLine();
            output.Write(report.Groups, CliTables.ClusterGroupStatus);
            return CliContext.ExitOk;
        }));
        cluster.Subcommands.Add(status);

        var server = new Option<string>("--server") { Description = "The virtual server: network name, group or resource name.", Required = true };
        var owner = new Command("owner", "Show the node that runs a virtual server now.");
        foreach (var option in shared.Append(server))
            owner.Options.Add(option);
        owner.SetAction((parse, token) => context.ExecuteAsync(async () =>
        {
            var report = await new ReadClusterStatusOperation().RunAsync(new ClusterStatusRequest(Definition(parse), parse.GetValue(server)), context.Reporter(parse), token);
            context.Output(parse).WriteOne(report.Owner!, ("Server", o => o.VirtualServer), ("Group", o => o.Group), ("Node", o => o.Node), ("Address", o => o.NodeAddress));
            return CliContext.ExitOk;
        }));
        cluster.Subcommands.Add(owner);
        yield return cluster;
    }
}
