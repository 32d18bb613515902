using ClusterBackup.Engine.Catalog;

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

    [Fact]
    public void RestoreFromABackupPathThatDoesNotHoldTheFilesIsBadInputNamingTheFile()
    {
        using var dir = new TempDirectory("cli");
        var catalogPath = dir.Combine("c.db");
        var at = DateTimeOffset.UtcNow.AddMinutes(-5);
        var set = new BackupSet
        {
            BackupSetId = Guid.NewGuid(), Cluster = "c", VirtualServer = "vs", Node = "n1", Database = "db", Engine = "PostgreSql", Type = BackupType.Full,
            Initialize = true, MediaSetId = "m1", Started = at, Finished = at.AddMinutes(1), Status = BackupSetStatus.Completed,
            Files = [new BackupFile(dir.Combine("share", "base.tar.gz"), 10, new string('0', 64))],
        };
        new BackupSetCatalog(CatalogDatabase.OpenOrCreate(catalogPath)).RecordCompleted(set, new MediaSet("m1", "vs", "db", BackupType.Full, dir.Combine("share"), at, MediaSetStatus.Active));
        Directory.CreateDirectory(dir.Combine("from-tape"));
        var (code, _, error) = CliHarness.Run("restore", "--server", "vs", "--database", "db", "--target", dir.Combine("restored"),
            "--backup-path", dir.Combine("from-tape"), "--catalog", catalogPath);
        Assert.Equal(2, code);
        Assert.Contains("'base.tar.gz' (10 bytes)", error);
        Assert.Contains(dir.Combine("from-tape"), error);
        Assert.False(Directory.Exists(dir.Combine("restored")));
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
