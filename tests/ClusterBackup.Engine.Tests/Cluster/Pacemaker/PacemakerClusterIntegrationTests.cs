using System.Diagnostics;
using ClusterBackup.Engine.Cluster;
using Xunit.Abstractions;

namespace ClusterBackup.Engine.Tests.Cluster.Pacemaker;

/// <summary>The Pacemaker provider against a real three-node cluster: owner, move, standby, node failure.</summary>
public class PacemakerClusterIntegrationTests(ITestOutputHelper output)
{
    private static readonly TimeSpan Settle = TimeSpan.FromSeconds(60);

    [PacemakerFact]
    public async Task ProviderFollowsTheClusterThroughMoveStandbyAndNodeFailure()
    {
        var cluster = new PacemakerTestCluster();
        var clock = Stopwatch.StartNew();
        await cluster.InitializeAsync();
        output.WriteLine($"cluster {cluster.ClusterName}: three nodes online with quorum and resources started after {clock.Elapsed.TotalSeconds:0.0} s");
        IReadOnlyList<int> daemons = [];
        try
        {
            daemons = cluster.DaemonPids();
            Assert.NotEmpty(daemons);
            var service = cluster.Service;
            var nodes = await service.GetNodesAsync();
            Assert.Equal(["node1", "node2", "node3"], nodes.Select(n => n.Name).Order());
            Assert.All(nodes, n => Assert.Equal(ClusterNodeState.Online, n.State));

            var owner = await service.GetOwnerAsync("vs-sql");
            Assert.Contains(owner.Node, nodes.Select(n => n.Name));
            Assert.Equal(owner.Node, (await service.GetOwnerAsync("vs-sql-db")).Node);

            // The CLI gives the same answer through the same operation.
            var cli = Cli.CliHarness.Run("cluster", "owner", "--name", cluster.ClusterName, "--provider", "Pacemaker",
                "--command-prefix", cluster.CommandPrefix, "--server", "vs-sql", "-o", "json");
            Assert.True(cli.ExitCode == 0, cli.Error);
            Assert.Contains($"\"Node\": \"{owner.Node}\"", cli.Out);

            // crm_resource --move: the provider reports the new owner.
            // node1 runs crm_mon for the provider, so the node that later fails is never node1.
            var target = new[] { "node2", "node3" }.First(n => n != owner.Node);
            clock.Restart();
            await cluster.Exec(1, "crm_resource", "--move", "-r", "vs-sql", "-N", target);
            await PacemakerTestCluster.WaitUntilAsync($"vs-sql to run on {target}", Settle, async () =>
                (await service.GetGroupsAsync()).Single(g => g.Name == "vs-sql") is { OwnerNode: var o, State: ClusterGroupState.Online } && o == target);
            Assert.Equal(target, (await service.GetOwnerAsync("vs-sql")).Node);
            output.WriteLine($"move {owner.Node} -> {target} reported after {clock.Elapsed.TotalSeconds:0.00} s");

            // Standby: the node is reported as such and no longer counts as up.
            var standby = nodes.Select(n => n.Name).First(n => n != target);
            await cluster.Exec(1, "crm_attribute", "-N", standby, "-n", "standby", "-v", "on");
            await PacemakerTestCluster.WaitUntilAsync($"{standby} in standby", Settle, async () =>
                (await service.GetNodesAsync()).Single(n => n.Name == standby).State == ClusterNodeState.Standby);

            // Node failure: the owner's daemons die; the group fails over and the node is reported offline.
            var failed = int.Parse(target["node".Length..]);
            await cluster.Exec(1, "crm_attribute", "-N", standby, "-n", "standby", "-v", "off");
            cluster.KillNode(failed);
            clock.Restart();
            await PacemakerTestCluster.WaitUntilAsync($"{target} offline and vs-sql elsewhere", Settle, async () =>
            {
                var groups = await service.GetGroupsAsync();
                var nodesNow = await service.GetNodesAsync();
                return nodesNow.Single(n => n.Name == target).State == ClusterNodeState.Offline
                       && groups.Single(g => g.Name == "vs-sql") is { OwnerNode: { } o, State: ClusterGroupState.Online } && o != target;
            });
            var after = await service.GetOwnerAsync("vs-sql");
            Assert.NotEqual(target, after.Node);
            output.WriteLine($"{target} killed: offline and vs-sql on {after.Node} reported after {clock.Elapsed.TotalSeconds:0.0} s");
            clock.Restart();
        }
        finally
        {
            await cluster.DisposeAsync();
        }
        // Nothing is left running: every process the nodes had is gone, and so are the namespaces' files.
        Assert.DoesNotContain(daemons, PacemakerTestCluster.IsRunning);
        Assert.False(Directory.Exists(cluster.StateDirectory));
        output.WriteLine($"teardown {clock.Elapsed.TotalSeconds:0.0} s; no daemon left running");
    }

    [PacemakerFact]
    public async Task FailedStartLeavesNothingBehind()
    {
        IReadOnlyList<int> daemons = [];
        var cluster = new PacemakerTestCluster
        {
            AfterNodesStarted = async c =>
            {
                await PacemakerTestCluster.WaitUntilAsync("processes in every node's namespace", TimeSpan.FromSeconds(30), () =>
                {
                    daemons = c.DaemonPids();
                    return Task.FromResult(daemons.Count >= PacemakerTestCluster.NodeCount);
                });
                throw new InvalidOperationException("start failed on purpose");
            },
        };

        var error = await Assert.ThrowsAsync<InvalidOperationException>(cluster.InitializeAsync);

        Assert.Equal("start failed on purpose", error.Message);
        Assert.NotEmpty(daemons);
        Assert.DoesNotContain(daemons, PacemakerTestCluster.IsRunning);
        Assert.Empty(cluster.DaemonPids());
        Assert.False(Directory.Exists(cluster.StateDirectory));
        var links = await Engine.Cluster.Pacemaker.ProcessCommandRunner.Instance.RunAsync(["ip", "-o", "link", "show"], TimeSpan.FromSeconds(10), default);
        var namespaces = await Engine.Cluster.Pacemaker.ProcessCommandRunner.Instance.RunAsync(["ip", "netns", "list"], TimeSpan.FromSeconds(10), default);
        Assert.DoesNotContain("cb" + cluster.Tag, links.StandardOutput);
        Assert.DoesNotContain("cb" + cluster.Tag, namespaces.StandardOutput);
    }
}
