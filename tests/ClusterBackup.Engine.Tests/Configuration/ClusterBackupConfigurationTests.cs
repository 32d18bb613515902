using ClusterBackup.Engine.Common;
using ClusterBackup.Engine.Configuration;

namespace ClusterBackup.Engine.Tests.Configuration;

public class ClusterBackupConfigurationTests
{
    private const string Valid = """
        {
          "version": 1,
          "clusters": [ { "name": "PGCLU", "provider": "Static", "settings": { "topologyFile": "topology.json" } } ],
          "servers": [ { "name": "pgvs", "cluster": "pgclu", "engine": "PostgreSql", "settings": { "port": 5433, "walArchive": "/srv/wal" } } ]
        }
        """;

    [Fact]
    public void LoadsClustersAndServersIntoDefinitions()
    {
        var configuration = ClusterBackupConfiguration.Parse(Valid, "/etc/clusterbackup/clusterbackup.json");
        var server = configuration.GetServer("PGVS");
        Assert.Equal("pgclu", server.Cluster);
        Assert.Equal("PostgreSql", server.Engine);
        Assert.Equal(5433, server.Settings.GetInt("port", server.Name));
        Assert.Equal("Static", configuration.GetCluster("pgclu").Provider);
        Assert.Equal("/etc/clusterbackup/topology.json", configuration.GetCluster("pgclu").Settings.GetPath("topologyFile"));
        Assert.Equal([server], configuration.ServersIn("PGCLU"));
    }

    [Theory]
    [InlineData("{ not json", "not valid JSON")]
    [InlineData("""{ "clusters": [] }""", "no integer 'version'")]
    [InlineData("""{ "version": 7 }""", "version 7")]
    [InlineData("""{ "version": 99999999999999999999999 }""", "version 99999999999999999999999")]
    [InlineData("""{ "version": 1, "clusters": [ { "provider": "Static" } ] }""", "clusters[0] without a 'name'")]
    [InlineData("""{ "version": 1, "clusters": {} }""", "'clusters' that is not a list")]
    [InlineData("""{ "version": 1, "servers": [ { "name": "vs", "cluster": "nowhere", "engine": "PostgreSql" } ] }""", "cluster 'nowhere'")]
    [InlineData("""{ "version": 1, "clusters": [ { "name": "c", "provider": "Static", "settings": 3 } ] }""", "'settings' is not an object")]
    public void MalformedFilesNameTheFileAndTheFault(string text, string expected)
    {
        var ex = Assert.Throws<ClusterBackupException>(() => ClusterBackupConfiguration.Parse(text, "/cfg/bad.json"));
        Assert.Equal(ErrorKind.InvalidConfiguration, ex.Kind);
        Assert.Contains(expected, ex.Message);
        Assert.Contains("/cfg/bad.json", ex.Message);
    }

    [Theory]
    [InlineData("99999999999")]
    [InlineData("\"99999999999999999999999\"")]
    [InlineData("\"5433x\"")]
    public void ASettingOutOfRangeNamesTheServerAndTheSetting(string port)
    {
        var configuration = ClusterBackupConfiguration.Parse(Valid.Replace("5433", port), "/c.json");
        var server = configuration.GetServer("pgvs");
        var ex = Assert.Throws<ClusterBackupException>(() => server.Settings.GetInt("port", server.Name));
        Assert.Equal(ErrorKind.InvalidConfiguration, ex.Kind);
        Assert.Contains("Setting 'port' of 'pgvs'", ex.Message);
    }

    [Fact]
    public void UnknownNamesAreObjectNotFoundAndListWhatExists()
    {
        var configuration = ClusterBackupConfiguration.Parse(Valid, "/c.json");
        var server = Assert.Throws<ClusterBackupException>(() => configuration.GetServer("sqlvs9"));
        Assert.Equal(ErrorKind.ObjectNotFound, server.Kind);
        Assert.Contains("sqlvs9", server.Message);
        Assert.Contains("pgvs", server.Message);
        var cluster = Assert.Throws<ClusterBackupException>(() => configuration.GetCluster("wsfc1"));
        Assert.Contains("wsfc1", cluster.Message);
    }

    [Fact]
    public void UnknownProviderIsNamed()
    {
        var configuration = ClusterBackupConfiguration.Parse("""{ "version": 1, "clusters": [ { "name": "c", "provider": "Zookeeper" } ] }""", "/c.json");
        var ex = Assert.Throws<ClusterBackupException>(() => ProviderRegistry.Default.CreateCluster(configuration.GetCluster("c")));
        Assert.Contains("Zookeeper", ex.Message);
        Assert.Contains("Static", ex.Message);
    }

    [Fact]
    public void DefaultLocationIsNextToTheCatalogAndCanBeOverridden()
    {
        Assert.Equal("/data/cb/clusterbackup.json", ClusterBackupConfiguration.ResolvePath(null, "/data/cb/catalog.db"));
        Assert.Equal("/x/y.json", ClusterBackupConfiguration.ResolvePath("/x/y.json", "/data/cb/catalog.db"));
    }

    [Fact]
    public void MissingFileSaysHowToPointAtOne()
    {
        using var dir = new TempDirectory("cfg");
        var ex = Assert.Throws<ClusterBackupException>(() => ClusterBackupConfiguration.Load(dir.Combine("none.json")));
        Assert.Equal(ErrorKind.ObjectNotFound, ex.Kind);
        Assert.Contains(ClusterBackupConfiguration.EnvironmentVariable, ex.Message);
    }
}
