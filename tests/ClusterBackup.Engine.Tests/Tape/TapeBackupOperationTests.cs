using System.Security.Cryptography;
using ClusterBackup.Engine.Catalog;
using ClusterBackup.Engine.Common;
using ClusterBackup.Engine.Tape;

namespace ClusterBackup.Engine.Tests.Tape;

public class TapeBackupOperationTests
{
    /// <summary>Records a completed backup set whose files exist on the "share".</summary>
    internal static BackupSet AddBackupSet(TapeTestKit kit, string database, bool initialize, int files, int seed)
    {
        var list = new List<BackupFile>();
        for (var i = 0; i < files; i++)
        {
            var path = kit.SourceFile($"{database}/{seed}_{i}.bak", 100_000 + i * 12_345, seed * 10 + i);
            list.Add(new BackupFile(path, new FileInfo(path).Length, Convert.ToHexString(SHA256.HashData(File.ReadAllBytes(path))).ToLowerInvariant()));
        }
        var set = new BackupSet
        {
            BackupSetId = Guid.NewGuid(), Cluster = "PGC", VirtualServer = "PGVS1", Node = "node1", Database = database, Engine = "PostgreSql",
            Type = BackupType.Full, Initialize = initialize, MediaSetId = "", Started = DateTimeOffset.UtcNow, Finished = DateTimeOffset.UtcNow,
            SizeBytes = list.Sum(f => f.SizeBytes), Files = list, Status = BackupSetStatus.Completed,
        };
        return new BackupSetCatalog(kit.Catalog.Database).RecordCompleted(set,
            new MediaSet(Guid.NewGuid().ToString(), "PGVS1", database, BackupType.Full, kit.Directory.Combine("share"), DateTimeOffset.UtcNow, MediaSetStatus.Active));
    }

    internal static string MirroredConfiguration(TapeTestKit kit)
    {
        var path = kit.Directory.Combine("agents.json");
        TapeAgentConfigurationOperations.Create(path, kit.Library.Root, ["drive0", "drive1"], [["drive2", "drive3"]], "Daily", ["Offsite"], 64 * 1024, force: false);
        return path;
    }

    [Fact]
    public void BacksUpEveryBackupSetNotYetOnTapeVerifiesAndFeedsRetention()
    {
        using var kit = new TapeTestKit();
        var old = AddBackupSet(kit, "sales", initialize: true, files: 3, seed: 1);
        var configuration = MirroredConfiguration(kit);
        var request = new TapeBackupRequest { CatalogPath = kit.CatalogPath, ConfigurationPath = configuration, Verify = true };

        var first = TapeBackupOperation.Run(request, NullOperationReporter.Instance, CancellationToken.None);
        Assert.Equal(3, first.Objects);
        Assert.Equal(6, first.Copies);          // each object on its tape and on its mirror
        Assert.Equal(6, first.VerifiedCopies);
        Assert.Equal(4, first.Volumes.Count);    // two backup drives, two mirror drives

        // A new INIT supersedes the old media set; the old one is safe to retire with 2 verified copies, not with 3.
        AddBackupSet(kit, "sales", initialize: true, files: 2, seed: 2);
        var retention2 = TapeRetention.Evaluate(kit.Catalog.Database, requiredCopies: 2);
        var oldSet = Assert.Single(retention2);
        Assert.Equal(old.MediaSetId, oldSet.MediaSetId);
        Assert.True(oldSet.SafeToRetire, oldSet.Reason);
        Assert.False(TapeRetention.Evaluate(kit.Catalog.Database, requiredCopies: 3).Single().SafeToRetire);
        Assert.True(TapeRetention.IsFileSafeToRetire(kit.Catalog, old.Files[0], 2));

        // The second run writes only what is not on tape yet.
        // It appends a second session to the same (appendable) tapes, in the next tape file, and reads it back.
        var second = TapeBackupOperation.Run(request, NullOperationReporter.Instance, CancellationToken.None);
        Assert.Equal(2, second.Objects);
        Assert.Equal(3, second.SkippedAlreadyOnTape);
        Assert.Equal(4, second.VerifiedCopies);
        Assert.Equal(first.Volumes.Order(), second.Volumes.Intersect(first.Volumes).Order());
        Assert.Equal(5, kit.Catalog.GetObjects().Count);
        Assert.All(kit.Catalog.GetObjects(backupSetId: old.BackupSetId), o => Assert.StartsWith("PGVS1/sales/", o.Name));
    }

    [Fact]
    public void AFileChangedOnTheShareSinceItsBackupIsRefused()
    {
        using var kit = new TapeTestKit();
        var set = AddBackupSet(kit, "hr", initialize: true, files: 1, seed: 3);
        File.WriteAllBytes(set.Files[0].Path, new byte[set.Files[0].SizeBytes]);
        var error = Assert.ThrowsAny<ClusterBackupException>(() => TapeBackupOperation.Run(
            new TapeBackupRequest { CatalogPath = kit.CatalogPath, ConfigurationPath = MirroredConfiguration(kit) }, NullOperationReporter.Instance, CancellationToken.None));
        Assert.Contains("changed", error.Message);
        Assert.Empty(kit.Catalog.GetObjects().Where(o => o.Copies.Count > 0));
    }
}
