namespace ClusterBackup.Engine.Tests.Cli;

/// <summary>`clusterbackup catalog`: the catalog commands that sit with the backup commands.</summary>
public class BackupCommandTests
{
    [Fact]
    public void CatalogInfoReportsPathAndSchemaVersionAsJson()
    {
        using var dir = new TempDirectory("cli");
        var path = dir.Combine("c.db");
        var (code, output, error) = CliHarness.Run("catalog", "info", "--catalog", path, "--output", "json");
        Assert.True(code == 0, error);
        Assert.Contains(path, output);
        Assert.Contains("SchemaVersion", output);
    }
}
