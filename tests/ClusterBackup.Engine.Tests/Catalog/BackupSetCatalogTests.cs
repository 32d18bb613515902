using ClusterBackup.Engine.Catalog;
using ClusterBackup.Engine.Common;

namespace ClusterBackup.Engine.Tests.Catalog;

public class BackupSetCatalogTests
{
    private static BackupSet NewSet(bool init, BackupType type = BackupType.Full, string node = "node1") => new()
    {
        BackupSetId = Guid.NewGuid(), Cluster = "pgcluster", VirtualServer = "PGVS", Node = node, Database = "sales", Engine = "PostgreSql",
        Type = type, Initialize = init, MediaSetId = "", Started = DateTimeOffset.UtcNow, Finished = DateTimeOffset.UtcNow,
        SizeBytes = 10, Files = [new BackupFile("/share/PGVS/sales/FULL/a.tar.gz", 10, new string('a', 64))], Status = BackupSetStatus.Completed,
    };

    private static MediaSet NewMediaSet() =>
        new(Guid.NewGuid().ToString(), "PGVS", "sales", BackupType.Full, "/share/PGVS/sales/FULL", DateTimeOffset.UtcNow, MediaSetStatus.Active);

    [Fact]
    public void InitSupersedesTheActiveMediaSetAndAppendJoinsIt()
    {
        using var dir = new TempDirectory("bsc");
        var catalog = new BackupSetCatalog(CatalogDatabase.OpenOrCreate(dir.Combine("c.db")));
        var first = catalog.RecordCompleted(NewSet(init: true), NewMediaSet());
        var appended = catalog.RecordCompleted(NewSet(init: false, node: "node2"), NewMediaSet());
        Assert.Equal(first.MediaSetId, appended.MediaSetId);
        Assert.Equal(2, appended.Position);

        var second = catalog.RecordCompleted(NewSet(init: true), NewMediaSet());
        Assert.NotEqual(first.MediaSetId, second.MediaSetId);
        Assert.Equal(1, second.Position);
        var mediaSets = catalog.GetMediaSets("PGVS", "sales");
        Assert.Equal(2, mediaSets.Count);
        var old = mediaSets.Single(m => m.MediaSetId == first.MediaSetId);
        Assert.Equal(MediaSetStatus.Superseded, old.Status);
        Assert.Equal(second.MediaSetId, old.SupersededBy);
        Assert.Equal(second.MediaSetId, catalog.GetActiveMediaSet("PGVS", "sales", BackupType.Full)!.MediaSetId);
    }

    [Fact]
    public void RecordedSetsRoundTripWithFilesAndChecksum()
    {
        using var dir = new TempDirectory("bsc");
        var catalog = new BackupSetCatalog(CatalogDatabase.OpenOrCreate(dir.Combine("c.db")));
        var recorded = catalog.RecordCompleted(NewSet(init: true) with { FirstLsn = "0/2000028", LastLsn = "0/3000100", Timeline = "1" }, NewMediaSet());
        var read = Assert.Single(catalog.GetBackupSets(new BackupSetQuery(Database: "sales")));
        Assert.Equal(recorded.BackupSetId, read.BackupSetId);
        Assert.Equal("0/2000028", read.FirstLsn);
        Assert.Equal(recorded.Checksum, read.Checksum);
        Assert.Equal(BackupSetCatalog.ComputeChecksum(read.Files), read.Checksum);
        Assert.Single(read.Files);
        catalog.MarkVerified(read.BackupSetId, true, DateTimeOffset.UtcNow);
        Assert.True(catalog.GetBackupSets().Single().Verified);
    }

    [Fact]
    public void MarkingAnUnknownSetNamesIt()
    {
        using var dir = new TempDirectory("bsc");
        var catalog = new BackupSetCatalog(CatalogDatabase.OpenOrCreate(dir.Combine("c.db")));
        var id = Guid.NewGuid();
        var error = Assert.Throws<ClusterBackupException>(() => catalog.MarkVerified(id, true, DateTimeOffset.UtcNow));
        Assert.Equal(ErrorKind.ObjectNotFound, error.Kind);
        Assert.Contains(id.ToString(), error.Message);
    }
}
