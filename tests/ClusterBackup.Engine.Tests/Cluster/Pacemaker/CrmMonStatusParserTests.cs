using ClusterBackup.Engine.Cluster;
using ClusterBackup.Engine.Cluster.Pacemaker;
using ClusterBackup.Engine.Common;

namespace ClusterBackup.Engine.Tests.Cluster.Pacemaker;

/// <summary>The crm_mon XML parser on output recorded from a real three-node Pacemaker 2.1.5 cluster.</summary>
public class CrmMonStatusParserTests
{
    internal static string Recorded(string name) =>
        File.ReadAllText(Path.Combine(AppContext.BaseDirectory, "Cluster", "Pacemaker", "TestData", name));

    private static PacemakerStatus Parse(string name) => CrmMonStatusParser.Parse(Recorded(name), name);

    [Fact]
    public void ThreeOnlineNodesAndTheirResources()
    {
        var status = Parse("three-nodes-online.xml");

        Assert.Equal(["node1", "node2", "node3"], status.Nodes.Select(n => n.Name));
        Assert.All(status.Nodes, n => Assert.Equal(ClusterNodeState.Online, n.State));
        Assert.Equal("node2", status.DesignatedController);
        Assert.True(status.HasQuorum);

        var sql = Assert.Single(status.Groups, g => g.Name == "vs-sql");
        Assert.Equal("node1", sql.OwnerNode);
        Assert.Equal(ClusterGroupState.Online, sql.State);
        Assert.Equal(["vs-sql-ip", "vs-sql-db"], sql.Resources.Select(r => r.Name));
        Assert.All(sql.Resources, r =>
        {
            Assert.Equal("ocf:pacemaker:Dummy", r.Type);
            Assert.Equal("vs-sql", r.Group);
            Assert.Equal("node1", r.OwnerNode);
            Assert.Equal("Started", r.State);
        });

        // A primitive outside any group is a group of its own, so a lone virtual IP is found like a group.
        var vip = Assert.Single(status.Groups, g => g.Name == "pg-vip");
        Assert.Equal("node2", vip.OwnerNode);
        Assert.Equal("pg-vip", Assert.Single(vip.Resources).Name);
    }

    [Fact]
    public void OwnerAfterMoveIsTheNewNode()
    {
        var before = ClusterOwnerLookup.Find("c", "vs-sql", Parse("three-nodes-online.xml").Groups, null);
        var after = ClusterOwnerLookup.Find("c", "vs-sql", Parse("after-move-to-node3.xml").Groups, null);

        Assert.Equal("node1", before.Node);
        Assert.Equal("node3", after.Node);
        Assert.Equal("vs-sql", after.Group);
    }

    [Fact]
    public void StandbyNodeStoppedResourceAndClone()
    {
        var status = Parse("standby-stopped-clone.xml");

        Assert.Equal(ClusterNodeState.Standby, status.Nodes.Single(n => n.Name == "node2").State);
        Assert.False(status.Nodes.Single(n => n.Name == "node2").IsUp);

        var stopped = status.Groups.Single(g => g.Name == "stopped-res");
        Assert.Null(stopped.OwnerNode);
        Assert.Equal(ClusterGroupState.Offline, stopped.State);

        // A plain clone runs on several nodes: it is online, but no single node owns it.
        var clone = status.Groups.Single(g => g.Name == "ping-clone");
        Assert.Equal(3, clone.Resources.Count);
        Assert.Null(clone.OwnerNode);
        Assert.Equal(ClusterGroupState.Online, clone.State);
        Assert.Equal(["node1", "node3"], clone.Resources.Select(r => r.OwnerNode).OfType<string>().Order());
    }

    [Fact]
    public void OfflineNodeAndFailover()
    {
        var status = Parse("node3-offline-failover.xml");

        Assert.Equal(ClusterNodeState.Offline, status.Nodes.Single(n => n.Name == "node3").State);
        Assert.Equal("node1", status.Groups.Single(g => g.Name == "vs-sql").OwnerNode);
    }

    [Fact]
    public void ClusterNotRunningIsAConnectionErrorWithCrmMonsMessages()
    {
        var error = Assert.Throws<ClusterBackupException>(() => Parse("not-running.xml"));

        Assert.Equal(ErrorKind.ConnectionError, error.Kind);
        Assert.Contains("102", error.Message);
        Assert.Contains("Connection to cluster failed", error.Message);
    }

    [Fact]
    public void OwnerOfAResourceIsItsGroupsOwner()
    {
        var owner = ClusterOwnerLookup.Find("c", "vs-sql-db", Parse("after-move-to-node3.xml").Groups, null);

        Assert.Equal("vs-sql", owner.Group);
        Assert.Equal("node3", owner.Node);
    }

    [Fact]
    public void UnknownAndStoppedVirtualServersAreClearErrors()
    {
        var groups = Parse("standby-stopped-clone.xml").Groups;

        var missing = Assert.Throws<ClusterBackupException>(() => ClusterOwnerLookup.Find("pcmk1", "nosuch", groups, null));
        Assert.Equal(ErrorKind.ObjectNotFound, missing.Kind);
        Assert.Contains("pcmk1", missing.Message);
        Assert.Contains("nosuch", missing.Message);

        var stopped = Assert.Throws<ClusterBackupException>(() => ClusterOwnerLookup.Find("pcmk1", "stopped-res", groups, null));
        Assert.Equal(ErrorKind.ResourceUnavailable, stopped.Kind);
    }

    [Fact]
    public void PromotableCloneIsOwnedByThePromotedInstance()
    {
        // Shape of a promotable clone as crm_mon 2.1 prints it (multi_state="true", role Promoted/Unpromoted).
        const string xml = """
            <pacemaker-result api-version="2.25" request="crm_mon -1 --output-as=xml">
              <nodes>
                <node name="a" id="1" online="true" standby="false" maintenance="false" pending="false"/>
                <node name="b" id="2" online="true" standby="false" maintenance="false" pending="false"/>
              </nodes>
              <resources>
                <clone id="pgsql-clone" multi_state="true" unique="false" managed="true" disabled="false" failed="false" failure_ignored="false">
                  <resource id="pgsql" resource_agent="ocf:heartbeat:pgsql" role="Unpromoted" active="true" failed="false" nodes_running_on="1"><node name="a" id="1" cached="true"/></resource>
                  <resource id="pgsql" resource_agent="ocf:heartbeat:pgsql" role="Promoted" active="true" failed="false" nodes_running_on="1"><node name="b" id="2" cached="true"/></resource>
                </clone>
              </resources>
              <status code="0" message="OK"/>
            </pacemaker-result>
            """;
        var group = Assert.Single(CrmMonStatusParser.Parse(xml, "test").Groups);

        Assert.Equal("b", group.OwnerNode);
        Assert.Equal(ClusterGroupState.Online, group.State);
    }

    [Fact]
    public void FailedResourceMakesItsGroupFailed()
    {
        const string xml = """
            <pacemaker-result api-version="2.25">
              <nodes><node name="a" online="true" standby="false"/></nodes>
              <resources>
                <group id="g" number_resources="1"><resource id="r" resource_agent="ocf:pacemaker:Dummy" role="Started" active="true" failed="true" nodes_running_on="1"><node name="a"/></resource></group>
              </resources>
            </pacemaker-result>
            """;
        var group = Assert.Single(CrmMonStatusParser.Parse(xml, "test").Groups);

        Assert.Equal(ClusterGroupState.Failed, group.State);
        Assert.Equal("Failed", group.Resources[0].State);
    }

    [Theory]
    [InlineData("not xml at all")]
    [InlineData("<crm_mon version=\"1.1\"><nodes/></crm_mon>")]
    [InlineData("<pacemaker-result api-version=\"3.0\"><nodes/></pacemaker-result>")]
    [InlineData("<pacemaker-result api-version=\"2.25\"><status code=\"0\"/></pacemaker-result>")]
    public void RejectsWhatIsNotCrmMon2Xml(string text)
    {
        var error = Assert.Throws<ClusterBackupException>(() => CrmMonStatusParser.Parse(text, "crm_mon on test"));

        Assert.Equal(ErrorKind.InvalidData, error.Kind);
        Assert.Contains("crm_mon on test", error.Message);
    }
}
