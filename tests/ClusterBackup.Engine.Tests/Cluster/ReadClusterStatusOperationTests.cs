using ClusterBackup.Engine.Cluster;
using ClusterBackup.Engine.Cluster.Wsfc;
using ClusterBackup.Engine.Common;
using ClusterBackup.Engine.Tests.Cluster.Wsfc;
using Newtonsoft.Json.Linq;

namespace ClusterBackup.Engine.Tests.Cluster;

public class ReadClusterStatusOperationTests
{
    [Fact]
    public async Task ReportsNodesWithTheGroupsTheyOwnAndTheAskedOwner()
    {
        var operation = new ReadClusterStatusOperation(d => new WsfcClusterService(d.Name, new RecordedCimSource("sql-fci-on-node2.json")));

        var report = await operation.RunAsync(new ClusterStatusRequest(new("WSFC1", "Wsfc", new JObject()), "SQLVS1"), NullOperationReporter.Instance, default);

        Assert.Equal("WSFC1", report.Cluster);
        Assert.Equal(["Cluster Group"], report.Nodes.Single(n => n.Name == "NODE1").OwnedGroups);
        Assert.Equal(["SQL Server (MSSQLSERVER)"], report.Nodes.Single(n => n.Name == "NODE2").OwnedGroups);
        Assert.Empty(report.Nodes.Single(n => n.Name == "NODE3").OwnedGroups);
        Assert.Equal(5, report.Groups.Single(g => g.Name == "SQL Server (MSSQLSERVER)").ResourceCount);
        Assert.Equal("NODE2", report.Owner!.Node);
    }

    [Fact]
    public void ParametersBecomeTypedSettingsAndUnknownProvidersAreRefused()
    {
        var definition = ClusterDefinitionParameters.Build("pcmk1", "Pacemaker",
            ClusterDefinitionParameters.ParsePairs(["timeoutSeconds=12", "commandPrefix=ssh root@node1", "flag=true"]));

        Assert.Equal(JTokenType.Float, definition.Settings["timeoutSeconds"]!.Type);
        Assert.Equal("ssh root@node1", definition.Settings.Value<string>("commandPrefix"));
        Assert.True(definition.Settings.Value<bool>("flag"));

        var error = Assert.Throws<ClusterBackupException>(() => ClusterDefinitionParameters.Build("x", "Heartbeat", []));
        Assert.Contains("Pacemaker", error.Message);
        Assert.Contains("Wsfc", error.Message);
        Assert.Throws<ClusterBackupException>(() => ClusterDefinitionParameters.ParsePairs(["novalue"]).ToList());
    }
}
