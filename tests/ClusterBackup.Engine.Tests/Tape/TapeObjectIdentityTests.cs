using System.Security.Cryptography;
using ClusterBackup.Engine.Backup;
using ClusterBackup.Engine.Catalog;
using ClusterBackup.Engine.Common;
using ClusterBackup.Engine.Tape;
using ClusterBackup.Engine.Tape.Agents;
using Microsoft.Data.Sqlite;
using ClusterBackup.Engine.Tape.Library;

namespace ClusterBackup.Engine.Tests.Tape;

/// <summary>A tape object's identity includes its backup set: three full backups of one database never mix on restore.</summary>
public class TapeObjectIdentityTests
{
    /// <summary>A completed full backup laid out as on the share: its own folder holding base.tar.gz, pg_wal.tar.gz and backup_manifest.</summary>
    private static BackupSet AddFullBackup(TapeTestKit kit, string database, int seed, DateTimeOffset started)
    {
        var id = Guid.NewGuid();
        var mediaSet = ShareLayout.NewMediaSetId(started);
        var folder = Path.Combine("PGVS1", database, "FULL", mediaSet, ShareLayout.FileStem("PGVS1", database, BackupType.Full, started, id));
        var files = new[] { ("base.tar.gz", 150_000L), ("pg_wal.tar.gz", 70_000L), ("backup_manifest", 3_000L) }
            .Select((f, i) =>
            {
                var path = kit.SourceFile(Path.Combine(folder, f.Item1), f.Item2 + seed * 101, seed * 10 + i);
                return new BackupFile(path, new FileInfo(path).Length, Convert.ToHexString(SHA256.HashData(File.ReadAllBytes(path))).ToLowerInvariant());
            }).ToList();
        var set = new BackupSet
        {
            BackupSetId = id, Cluster = "PGC", VirtualServer = "PGVS1", Node = "node1", Database = database, Engine = "PostgreSql",
            Type = BackupType.Full, Initialize = true, MediaSetId = "", Started = started, Finished = started.AddMinutes(1),
            SizeBytes = files.Sum(f => f.SizeBytes), Files = files, Status = BackupSetStatus.Completed,
        };
        return new BackupSetCatalog(kit.Catalog.Database).RecordCompleted(set,
            new MediaSet(mediaSet, "PGVS1", database, BackupType.Full, kit.Directory.Combine("share"), started, MediaSetStatus.Active));
    }

    [Fact]
    public async Task ThreeFullBackupsOfOneDatabaseAreRestoredEachIntoItsOwnFolder()
    {
        using var kit = new TapeTestKit();
        var started = new DateTimeOffset(2026, 11, 30, 22, 0, 0, TimeSpan.Zero);
        var sets = Enumerable.Range(1, 3).Select(i => AddFullBackup(kit, "sales", i, started.AddDays(i))).ToList();
        var configuration = await BackupToTapeOperationTests.MirroredConfigurationAsync(kit);
        var backup = await new BackupToTapeOperation(kit.Catalog.Database, ConfiguredTapeLibraryFactory.Default).RunAsync(new BackupToTapeRequest { ConfigurationPath = configuration },
            NullOperationReporter.Instance, CancellationToken.None);
        Assert.Equal(9, backup.Objects);

        var objects = kit.Catalog.GetObjects();
        Assert.Equal(9, objects.Select(o => o.Name).Distinct().Count());
        foreach (var set in sets)
            Assert.All(kit.Catalog.GetObjects(backupSetId: set.BackupSetId), o =>
                Assert.StartsWith($"PGVS1/sales/{ShareLayout.FileStem("PGVS1", "sales", BackupType.Full, set.Started, set.BackupSetId)}/", o.Name));

        var destination = kit.Directory.Combine("restore");
        var restored = await new RestoreTapeObjectOperation(kit.Catalog.Database, ConfiguredTapeLibraryFactory.Default).RunAsync(new RestoreTapeObjectRequest
        {
            LibraryPath = kit.Library.Root, ObjectIds = objects.Select(o => o.ObjectId).ToList(), Destination = destination,
        }, NullOperationReporter.Instance, CancellationToken.None);

        Assert.Equal(9, restored.Count);
        var setFolders = Directory.GetDirectories(Path.Combine(destination, "PGVS1", "sales"));
        Assert.Equal(3, setFolders.Length);
        foreach (var set in sets)
        {
            var folder = Path.Combine(destination, "PGVS1", "sales", ShareLayout.FileStem("PGVS1", "sales", BackupType.Full, set.Started, set.BackupSetId));
            foreach (var file in set.Files)
                Assert.Equal(File.ReadAllBytes(file.Path), File.ReadAllBytes(Path.Combine(folder, Path.GetFileName(file.Path))));
            Assert.All(restored.Where(r => r.BackupSetId == set.BackupSetId), r => Assert.StartsWith(folder + Path.DirectorySeparatorChar, r.Path));
        }
    }

    [Fact]
    public async Task ObjectsThatWouldLandOnOnePathAreRefusedBeforeAnythingIsWritten()
    {
        using var kit = new TapeTestKit();
        var ids = new List<Guid>();
        foreach (var seed in new[] { 1, 2 })
        {
            var path = kit.SourceFile($"set{seed}/base.tar.gz", 50_000, seed);
            using var source = new FileObjectSource(path, "PGVS1/sales/base.tar.gz", backupSetId: Guid.NewGuid());
            var result = TapeWriteSession.Run("test", [new ChainedObject(source, [kit.Agent("A1", 0)])], NullOperationReporter.Instance, CancellationToken.None);
            kit.Catalog.RecordSession(result.ToSessionRecord());
            ids.Add(source.ObjectId);
        }
        var destination = kit.Directory.Combine("restore");

        var error = await Assert.ThrowsAsync<ClusterBackupException>(() => new RestoreTapeObjectOperation(kit.Catalog.Database, ConfiguredTapeLibraryFactory.Default).RunAsync(new RestoreTapeObjectRequest
        {
            LibraryPath = kit.Library.Root, ObjectIds = ids, Destination = destination, Force = true,
        }, NullOperationReporter.Instance, CancellationToken.None));

        Assert.Equal(ErrorKind.InvalidOperation, error.Kind);
        Assert.Contains("would all be restored to", error.Message);
        Assert.Contains("nothing was restored", error.Message);
        Assert.False(Directory.Exists(destination));
    }

    [Fact]
    public void TheMigrationRenamesObjectsOfOldCatalogsAfterTheirBackupSet()
    {
        using var kit = new TapeTestKit();
        var set = AddFullBackup(kit, "sales", 1, new DateTimeOffset(2026, 11, 30, 22, 0, 0, TimeSpan.Zero));
        var file = set.Files[0];
        var objectId = Guid.NewGuid();
        var loose = Guid.NewGuid();
        kit.Catalog.RecordSession(new TapeSessionRecord(Guid.NewGuid(), "old", DateTimeOffset.UtcNow, DateTimeOffset.UtcNow, true, [],
        [
            new TapeObject { ObjectId = objectId, Name = "PGVS1/sales/base.tar.gz", SourcePath = file.Path, BackupSetId = set.BackupSetId, Length = file.SizeBytes, Sha256 = file.Sha256 },
            new TapeObject { ObjectId = loose, Name = "PGVS1/sales/other.bin", Length = 1, Sha256 = new string('0', 64) },
        ], []));
        // Make the catalog look as it did before schema step 11, then open it again.
        using (var connection = new SqliteConnection($"Data Source={kit.CatalogPath}"))
        {
            connection.Open();
            using var command = connection.CreateCommand();
            command.CommandText = "UPDATE tape_objects SET name = 'PGVS1/sales/base.tar.gz' WHERE object_id = $id; DELETE FROM schema_migrations WHERE version = 11;";
            command.Parameters.AddWithValue("$id", objectId.ToString());
            command.ExecuteNonQuery();
        }
        SqliteConnection.ClearAllPools();

        var catalog = new TapeCatalog(CatalogDatabase.Open(kit.CatalogPath));

        Assert.Equal($"PGVS1/sales/{ShareLayout.FileStem("PGVS1", "sales", BackupType.Full, set.Started, set.BackupSetId)}/base.tar.gz",
            catalog.GetObjects(objectId: objectId).Single().Name);
        Assert.Equal("PGVS1/sales/other.bin", catalog.GetObjects(objectId: loose).Single().Name);
    }
}
