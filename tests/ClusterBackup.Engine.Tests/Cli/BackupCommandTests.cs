namespace ClusterBackup.Engine.Tests.Cli;

/// <summary>`clusterbackup catalog`: the catalog commands that sit with the backup commands.</summary>
public class BackupCommandTests
{
    [Fact]
    public void CatalogInfoReportsPathAndSchemaVersionAsJson()
    {
        using var dir = new TempDirectory("cli");
        var path = dir.Combine("c.db");
        Assert.Equal(0, CliHarness.Run("catalog", "new", "--catalog", path).ExitCode);
        var (code, output, error) = CliHarness.Run("catalog", "info", "--catalog", path, "--output", "json");
        Assert.True(code == 0, error);
        Assert.Contains(path, output);
        Assert.Contains("SchemaVersion", output);
    }

    [Theory]
    [InlineData("catalog", "list")]
    [InlineData("catalog", "info")]
    [InlineData("verify", "--all")]
    [InlineData("tape", "list")]
    public void AReadCommandOnAMissingCatalogExitsTwoNamingItAndCreatesNothing(params string[] command)
    {
        using var dir = new TempDirectory("cli");
        var path = dir.Combine("missing", "c.db");
        var (code, output, error) = CliHarness.Run([.. command, "--catalog", path]);
        Assert.Equal(2, code);
        Assert.Equal("", output);
        Assert.Contains($"The catalog '{path}' does not exist", error);
        Assert.EndsWith("(CatalogNotFound)", error.TrimEnd());
        Assert.False(Directory.Exists(dir.Combine("missing")));
    }

    [Theory]
    [InlineData("catalog", "list")]
    [InlineData("catalog", "new")]
    [InlineData("tape", "cartridge", "add", "VT0001")]
    public void AnEmptyCatalogFileExitsOneNamingItForReadersAndCreatorsAlike(params string[] command)
    {
        using var dir = new TempDirectory("cli");
        var path = dir.Combine("c.db");
        File.WriteAllBytes(path, []);
        string[] library = command[0] == "tape" ? ["--library", dir.Combine("vtl")] : [];
        var (code, output, error) = CliHarness.Run([.. command, "--catalog", path, .. library]);
        Assert.Equal(1, code);
        Assert.Equal("", output);
        Assert.Contains($"The catalog '{path}' is empty (0 bytes)", error);
        Assert.Equal(0, new FileInfo(path).Length);
    }
}
