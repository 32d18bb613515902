using ClusterBackup.Engine.Cluster;
using ClusterBackup.Engine.Cluster.Static;
using ClusterBackup.Engine.Common;
using ClusterBackup.Engine.Configuration;
using Newtonsoft.Json.Linq;

namespace ClusterBackup.Engine.Tests.Cluster;

public class StaticClusterServiceTests
{
    private const string Topology = """
        {
          "version": 1,
          "cluster": "clu1",
          "nodes": [
            { "name": "node1", "address": "10.0.0.1:5432", "state": "Online" },
            { "name": "node2", "address": "10.0.0.2:5432", "state": "Offline" }
          ],
          "groups": [
            { "name": "pgvs", "owner": "node1", "resources": [ { "name": "pgvs-ip", "type": "ocf:heartbeat:IPaddr2" } ] },
            { "name": "idle", "owner": null }
          ]
        }
        """;

    private static (StaticClusterService Service, TempDirectory Dir) Create(string text)
    {
        var dir = new TempDirectory("static");
        File.WriteAllText(dir.Combine("topology.json"), text);
        var definition = new ClusterDefinition("clu1", "Static", new JObject
        {
            ["topologyFile"] = "topology.json",
            [ClusterBackupConfiguration.ConfigurationDirectoryKey] = dir.Path,
        });
        return ((StaticClusterService)ProviderRegistry.Default.CreateCluster(definition), dir);
    }

    [Fact]
    public async Task ReportsNodesGroupsAndOwners()
    {
        var (service, dir) = Create(Topology);
        using (dir)
        {
            var nodes = await service.GetNodesAsync();
            Assert.Equal([new ClusterNode("node1", ClusterNodeState.Online, "10.0.0.1:5432"), new ClusterNode("node2", ClusterNodeState.Offline, "10.0.0.2:5432")], nodes);
            var groups = await service.GetGroupsAsync();
            Assert.Equal(ClusterGroupState.Online, groups[0].State);
            Assert.Equal(ClusterGroupState.Offline, groups[1].State);
            Assert.Equal(new ClusterOwner("PGVS", "pgvs", "node1", "10.0.0.1:5432"), await service.GetOwnerAsync("PGVS"));
            Assert.Equal("pgvs", (await service.GetOwnerAsync("pgvs-ip")).Group);
        }
    }

    [Fact]
    public async Task AFailoverIsAnEditOfTheFile()
    {
        var (service, dir) = Create(Topology);
        using (dir)
        {
            File.WriteAllText(dir.Combine("topology.json"), Topology.Replace("\"owner\": \"node1\"", "\"owner\": \"node2\""));
            Assert.Equal("node2", (await service.GetOwnerAsync("pgvs")).Node);
        }
    }

    [Fact]
    public async Task UnknownAndOfflineServersAreNamed()
    {
        var (service, dir) = Create(Topology);
        using (dir)
        {
            var unknown = await Assert.ThrowsAsync<ClusterBackupException>(() => service.GetOwnerAsync("sqlvs"));
            Assert.Equal(ErrorKind.ObjectNotFound, unknown.Kind);
            Assert.Contains("sqlvs", unknown.Message);
            Assert.Contains("clu1", unknown.Message);
            var offline = await Assert.ThrowsAsync<ClusterBackupException>(() => service.GetOwnerAsync("idle"));
            Assert.Equal(ErrorKind.ResourceUnavailable, offline.Kind);
        }
    }

    [Theory]
    [InlineData("""{ "nodes": [] }""", "version")]
    [InlineData("""{ "version": 2 }""", "version 2")]
    [InlineData("""{ "version": 1, "nodes": [ { "name": "a" }, { "name": "A" } ] }""", "node 'A' twice")]
    [InlineData("""{ "version": 1, "nodes": [ { "name": "a", "state": "Sleeping" } ] }""", "Sleeping")]
    [InlineData("""{ "version": 1, "nodes": [ { "name": "a" } ], "groups": [ { "name": "g", "owner": "b" } ] }""", "owner 'b'")]
    public void MalformedTopologiesAreRefused(string text, string expected)
    {
        var ex = Assert.Throws<ClusterBackupException>(() => StaticTopology.Parse(text, "/t.json"));
        Assert.Equal(ErrorKind.InvalidConfiguration, ex.Kind);
        Assert.Contains(expected, ex.Message);
    }

    [Fact]
    public void MissingTopologySettingIsNamed()
    {
        var ex = Assert.Throws<ClusterBackupException>(() => ProviderRegistry.Default.CreateCluster(new ClusterDefinition("clu9", "static", new JObject())));
        Assert.Contains("clu9", ex.Message);
        Assert.Contains("topologyFile", ex.Message);
    }
}
