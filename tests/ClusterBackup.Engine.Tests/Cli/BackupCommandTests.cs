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
        new BackupSetCatalog(CatalogDatabase.Open(catalogPath)).RecordCompleted(set, new MediaSet("m1", "vs", "db", BackupType.Full, dir.Combine("share"), at, MediaSetStatus.Active));
        Directory.CreateDirectory(dir.Combine("from-tape"));
        var (code, _, error) = CliHarness.Run("restore", "--server", "vs", "--database", "db", "--target", dir.Combine("restored"),
            "--backup-path", dir.Combine("from-tape"), "--catalog", catalogPath);
        Assert.Equal(2, code);
        Assert.Contains("'base.tar.gz' (10 bytes)", error);
        Assert.Contains(dir.Combine("from-tape"), error);
        Assert.False(Directory.Exists(dir.Combine("restored")));
    }
}
