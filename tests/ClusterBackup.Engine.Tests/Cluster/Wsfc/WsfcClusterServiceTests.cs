using ClusterBackup.Engine.Cluster;
using ClusterBackup.Engine.Cluster.Wsfc;
using ClusterBackup.Engine.Common;
using ClusterBackup.Engine.Configuration;
using Newtonsoft.Json.Linq;

namespace ClusterBackup.Engine.Tests.Cluster.Wsfc;

/// <summary>The WSFC provider's CIM mapping on recorded root\MSCluster instances (unverified on a live cluster).</summary>
public class WsfcClusterServiceTests
{
    private static WsfcClusterService Service(string file, out RecordedCimSource source)
    {
        source = new RecordedCimSource(file);
        return new WsfcClusterService("WSFC1", source);
    }

    [Fact]
    public async Task NodesAndTheirDocumentedStates()
    {
        var nodes = await Service("sql-fci-on-node2.json", out _).GetNodesAsync();

        Assert.Equal([("NODE1", ClusterNodeState.Online), ("NODE2", ClusterNodeState.Online), ("NODE3", ClusterNodeState.Paused)],
            nodes.Select(n => (n.Name, n.State)));
        Assert.False(nodes[2].IsUp);
    }

    [Fact]
    public async Task GroupsOwnersAndResourcesByOwnerGroup()
    {
        var service = Service("sql-fci-on-node2.json", out var source);
        var groups = await service.GetGroupsAsync();

        var sql = groups.Single(g => g.Name == "SQL Server (MSSQLSERVER)");
        Assert.Equal("NODE2", sql.OwnerNode);
        Assert.Equal(ClusterGroupState.Online, sql.State);
        Assert.Equal(["SQL Network Name (SQLVS1)", "SQL IP Address 1 (SQLVS1)", "SQL Server", "SQL Server Agent", "Cluster Disk 2"], sql.Resources.Select(r => r.Name));
        Assert.All(sql.Resources, r => Assert.Equal(("NODE2", "Online"), (r.OwnerNode, r.State)));
        Assert.Equal("SQL Server", sql.Resources[2].Type);

        var storage = groups.Single(g => g.Name == "Available Storage");
        Assert.Equal(ClusterGroupState.Offline, storage.State);
        Assert.Null(storage.OwnerNode); // WSFC keeps OwnerNode on offline groups; nothing runs there now
        Assert.Null(storage.Resources.Single().OwnerNode);

        var fileServer = groups.Single(g => g.Name == "FS01");
        Assert.Equal(ClusterGroupState.Failed, fileServer.State);
        Assert.Equal("Failed", fileServer.Resources.Single(r => r.Type == "Network Name").State);

        // OwnerGroup was present on every resource, so the association class was not queried.
        Assert.DoesNotContain(source.Queries, q => q.Class == WsfcCimMapping.GroupToResourceClass);
        Assert.Contains(source.Queries, q => q.Class == WsfcCimMapping.GroupClass && q.Properties.Contains("OwnerNode"));
    }

    [Theory]
    [InlineData("SQLVS1")]
    [InlineData("sqlvs1")]
    [InlineData("SQLVS1.corp.example.com")]
    [InlineData("SQL Server (MSSQLSERVER)")]
    [InlineData("SQL Server Agent")]
    public async Task VirtualServerIsFoundByDnsNameGroupOrResource(string name)
    {
        var owner = await Service("sql-fci-on-node2.json", out _).GetOwnerAsync(name);

        Assert.Equal("NODE2", owner.Node);
        Assert.Equal("SQL Server (MSSQLSERVER)", owner.Group);
        Assert.Equal(name, owner.VirtualServer);
    }

    [Fact]
    public async Task FailedRoleAndUnknownNameAreClearErrors()
    {
        var service = Service("sql-fci-on-node2.json", out _);

        var failed = await Assert.ThrowsAsync<ClusterBackupException>(() => service.GetOwnerAsync("FS01"));
        Assert.Equal(ErrorKind.ResourceUnavailable, failed.Kind);
        Assert.Contains("Failed", failed.Message);

        var unknown = await Assert.ThrowsAsync<ClusterBackupException>(() => service.GetOwnerAsync("SQLVS9"));
        Assert.Equal(ErrorKind.ObjectNotFound, unknown.Kind);
        Assert.Contains("WSFC1", unknown.Message);
    }

    [Fact]
    public async Task OlderProviderMapsResourcesThroughTheAssociation()
    {
        var service = Service("sql-fci-failed-over-association.json", out var source);

        var status = await service.GetStatusAsync();

        Assert.Contains(source.Queries, q => q.Class == WsfcCimMapping.GroupToResourceClass);
        Assert.Equal(ClusterNodeState.Offline, status.Nodes.Single(n => n.Name == "NODE2").State);
        var sql = status.Groups.Single(g => g.Name == "SQL Server (MSSQLSERVER)");
        Assert.Equal(["SQL Network Name (SQLVS1)", "SQL Server"], sql.Resources.Select(r => r.Name));
        // No OwnerNode on the resources: a running resource runs where its group does.
        Assert.All(sql.Resources, r => Assert.Equal("NODE1", r.OwnerNode));
        Assert.Equal("NODE1", (await service.GetOwnerAsync("SQLVS1")).Node);

        var pending = status.Groups.Single(g => g.Name == "SQL Server (PAYROLL)");
        Assert.Equal(ClusterGroupState.Pending, pending.State);
        Assert.Equal("OnlinePending", pending.Resources.Single(r => r.Type == "SQL Server").State);
        Assert.Equal(ErrorKind.ResourceUnavailable, (await Assert.ThrowsAsync<ClusterBackupException>(() => service.GetOwnerAsync("SQLVS2"))).Kind);
    }

    [Theory]
    [InlineData(@"\\NODE1\root\MSCluster:MSCluster_Resource.Name=""SQL Server""", "SQL Server")]
    [InlineData(@"MSCluster_Resource.Name=""File Server (\\\\FS01)""", @"File Server (\\FS01)")]
    [InlineData(@"MSCluster_Resource.Name=""say \""hi\""""", @"say ""hi""")]
    [InlineData("MSCluster_Resource", null)]
    [InlineData(@"MSCluster_Resource.Name=""unterminated", null)]
    public void ObjectPathKeys(string path, string? key) => Assert.Equal(key, WsfcCimMapping.KeyOf(path));

    [Theory]
    [InlineData(-1, ClusterNodeState.Unknown)]
    [InlineData(0, ClusterNodeState.Online)]
    [InlineData(1, ClusterNodeState.Offline)]
    [InlineData(2, ClusterNodeState.Paused)]
    [InlineData(3, ClusterNodeState.Unknown)]
    public void NodeStateValues(long value, ClusterNodeState expected) => Assert.Equal(expected, WsfcCimMapping.NodeState(value));

    [Theory]
    [InlineData(-1, ClusterGroupState.Unknown)]
    [InlineData(0, ClusterGroupState.Online)]
    [InlineData(1, ClusterGroupState.Offline)]
    [InlineData(2, ClusterGroupState.Failed)]
    [InlineData(3, ClusterGroupState.PartialOnline)]
    [InlineData(4, ClusterGroupState.Pending)]
    public void GroupStateValues(long value, ClusterGroupState expected) => Assert.Equal(expected, WsfcCimMapping.GroupState(value));

    [Theory]
    [InlineData(-1, "Unknown")]
    [InlineData(0, "Inherited")]
    [InlineData(1, "Initializing")]
    [InlineData(2, "Online")]
    [InlineData(3, "Offline")]
    [InlineData(4, "Failed")]
    [InlineData(128, "Pending")]
    [InlineData(129, "OnlinePending")]
    [InlineData(130, "OfflinePending")]
    public void ResourceStateValues(long value, string expected) => Assert.Equal(expected, WsfcCimMapping.ResourceState(value));

    [Fact]
    public void InstanceWithoutNameIsInvalidData()
    {
        var error = Assert.Throws<ClusterBackupException>(() => WsfcCimMapping.Map([new CimInstanceData("MSCluster_Node", new Dictionary<string, object?> { ["State"] = 0 })], [], [], []));
        Assert.Equal(ErrorKind.InvalidData, error.Kind);
        Assert.Contains("MSCluster_Node", error.Message);
    }

    [Fact]
    public async Task FactoryBuildsTheCimSessionSourceWhichNeedsWindows()
    {
        var service = ProviderRegistry.Default.CreateCluster(new ClusterDefinition("WSFC1", "wsfc", new JObject { ["computerName"] = "NODE1", ["timeoutSeconds"] = 10 }));

        Assert.IsType<WsfcClusterService>(service);
        if (!OperatingSystem.IsWindows())
        {
            var error = await Assert.ThrowsAsync<ClusterBackupException>(() => service.GetNodesAsync());
            Assert.Equal(ErrorKind.NotImplemented, error.Kind);
            Assert.Contains("Windows", error.Message);
            Assert.Equal("NODE1", error.Target);
        }
    }
}
