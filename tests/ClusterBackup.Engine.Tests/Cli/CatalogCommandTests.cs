namespace ClusterBackup.Engine.Tests.Cli;

public class CatalogCommandTests
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

    [Fact]
    public void UnknownCommandIsAUsageError()
    {
        var (code, _, _) = CliHarness.Run("no-such-command");
        Assert.NotEqual(0, code);
    }
}
