using System.Net;
using ClusterBackup.Engine.Common;
using ClusterBackup.Engine.Configuration;
using ClusterBackup.Engine.Databases.SqlServer;
using Microsoft.Data.SqlClient;
using Newtonsoft.Json.Linq;

namespace ClusterBackup.Engine.Tests.Databases.SqlServer;

public class SqlServerSettingsTests
{
    [Fact]
    public void FactoryIsFoundByEngineNameAndDefaultsToTheVirtualServer()
    {
        var engine = Assert.IsType<SqlServerEngine>(ProviderRegistry.Default.CreateEngine(new ServerDefinition("SQLVS1", "WSFC1", "sqlserver", new JObject())));

        Assert.Equal("SqlServer", engine.Name);
        Assert.Equal("SQLVS1", engine.Settings.DataSource);
        var builder = new SqlConnectionStringBuilder(engine.Settings.ConnectionString());
        Assert.True(builder.IntegratedSecurity);
        Assert.False(builder.Pooling);
        Assert.Equal("master", builder.InitialCatalog);
    }

    [Fact]
    public void CredentialBecomesSqlAuthentication()
    {
        var settings = SqlServerSettings.FromDefinition(new ServerDefinition("SQLVS1", "WSFC1", "SqlServer",
            new JObject { ["dataSource"] = @"SQLVS1\PROD,1433", ["encrypt"] = true }, new NetworkCredential("backup", "s3cret")));

        var builder = new SqlConnectionStringBuilder(settings.ConnectionString());
        Assert.Equal(@"SQLVS1\PROD,1433", builder.DataSource);
        Assert.Equal("backup", builder.UserID);
        Assert.False(builder.IntegratedSecurity);
        Assert.True(builder.Encrypt);
    }

    [Fact]
    public void LocalSharePathsAreGivenToSqlServerAsUnc()
    {
        var settings = SqlServerSettings.FromDefinition(new ServerDefinition("SQLVS1", "WSFC1", "SqlServer",
            new JObject { ["localShareRoot"] = "/srv/backup/", ["uncShareRoot"] = @"\\BACKUP01\backup" }));

        Assert.Equal(@"\\BACKUP01\backup\SQLVS1\SALES\Full\f.bak", settings.ServerPath("/srv/backup/SQLVS1/SALES/Full/f.bak"));
        Assert.Equal("/srv/backupx/f.bak", settings.ServerPath("/srv/backupx/f.bak"));
        Assert.Equal("/elsewhere/f.bak", settings.ServerPath("/elsewhere/f.bak"));
    }

    [Fact]
    public void HalfAShareMappingIsRejected() =>
        Assert.Contains("localShareRoot", Assert.Throws<ClusterBackupException>(() => SqlServerSettings.FromDefinition(
            new ServerDefinition("SQLVS1", "WSFC1", "SqlServer", new JObject { ["uncShareRoot"] = @"\\B\b" }))).Message);

    [Fact]
    public async Task UnreachableServerIsAConnectionErrorWithoutTheConnectionString()
    {
        var engine = new SqlServerEngine(SqlServerSettings.FromDefinition(new ServerDefinition("SQLVS1", "WSFC1", "SqlServer",
            new JObject { ["dataSource"] = "127.0.0.1,1", ["connectTimeoutSeconds"] = 2 }, new NetworkCredential("backup", "s3cret-password"))));

        var error = await Assert.ThrowsAsync<ClusterBackupException>(() => engine.FindActiveServerAsync("SQLVS1", [], "SALES", default));

        Assert.Equal(ErrorKind.ConnectionError, error.Kind);
        Assert.Contains("SQLVS1", error.Message);
        Assert.DoesNotContain("s3cret-password", error.Message);
    }
}
