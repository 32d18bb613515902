using System.Security.Cryptography;
using ClusterBackup.Engine.Catalog;
using ClusterBackup.Engine.Common;
using ClusterBackup.Engine.Tape;
using ClusterBackup.Engine.Tape.Library;

namespace ClusterBackup.Engine.Tests.Tape;

public class BackupToTapeOperationTests
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

    internal static async Task<string> MirroredConfigurationAsync(TapeTestKit kit)
    {
        var path = kit.Directory.Combine("agents.json");
        var test = await new NewTapeAgentConfigurationOperation(ConfiguredTapeLibraryFactory.Default).RunAsync(
            new NewTapeAgentConfigurationRequest(path, kit.Library.Root, ["drive0", "drive1"], [["drive2", "drive3"]], "Daily", ["Offsite"], 64 * 1024, Force: false),
            NullOperationReporter.Instance, CancellationToken.None);
        Assert.True(test.Valid);
        return path;
    }

    private static Task<BackupToTapeResult> BackupToTapeAsync(TapeTestKit kit, BackupToTapeRequest request) =>
        new BackupToTapeOperation(kit.Catalog.Database, ConfiguredTapeLibraryFactory.Default).RunAsync(request, NullOperationReporter.Instance, CancellationToken.None);

    private static Task<IReadOnlyList<MediaSetRetention>> RetentionAsync(TapeTestKit kit, int requiredCopies) =>
        new GetTapeRetentionOperation(kit.Catalog.Database).RunAsync(new GetTapeRetentionRequest(requiredCopies), NullOperationReporter.Instance, CancellationToken.None);

    [Fact]
    public async Task WritesOntoTheDrivesOfTheLibraryItsFactoryHandsIt()
    {
        using var kit = new TapeTestKit();
        AddBackupSet(kit, "sales", initialize: true, files: 2, seed: 3);
        var configuration = await MirroredConfigurationAsync(kit);
        var library = new RecordingTapeLibrary(kit.Library);
        var factory = new FixedTapeLibraryFactory(library);
        var unopenedPath = kit.Directory.Combine("no-library-here");

        var result = await new BackupToTapeOperation(kit.Catalog.Database, factory).RunAsync(
            new BackupToTapeRequest { ConfigurationPath = configuration, LibraryPath = unopenedPath }, NullOperationReporter.Instance, CancellationToken.None);

        // The operation asked its factory for the request's library and wrote through the drives it was handed.
        Assert.Equal([unopenedPath], factory.Opened);
        Assert.Equal(2, result.Objects);
        Assert.Equal(4, result.Copies);
        Assert.Equal(4, library.Loads.Count);
        Assert.True(library.BlocksWritten > 0);
        Assert.False(Directory.Exists(unopenedPath));
        Assert.All(result.Volumes, barcode => Assert.Contains(library.Loads, load => load.StartsWith(barcode + "@", StringComparison.Ordinal)));
    }

    [Fact]
    public async Task BacksUpEveryBackupSetNotYetOnTapeVerifiesAndFeedsRetention()
    {
        using var kit = new TapeTestKit();
        var old = AddBackupSet(kit, "sales", initialize: true, files: 3, seed: 1);
        var configuration = await MirroredConfigurationAsync(kit);
        var request = new BackupToTapeRequest { ConfigurationPath = configuration, Verify = true };

        var first = await BackupToTapeAsync(kit, request);
        Assert.Equal(3, first.Objects);
        Assert.Equal(6, first.Copies);          // each object on its tape and on its mirror
        Assert.Equal(6, first.VerifiedCopies);
        Assert.Equal(4, first.Volumes.Count);    // two backup drives, two mirror drives

        // A new INIT supersedes the old media set; the old one is safe to retire with 2 verified copies, not with 3.
        AddBackupSet(kit, "sales", initialize: true, files: 2, seed: 2);
        var retention2 = await RetentionAsync(kit, requiredCopies: 2);
        var oldSet = Assert.Single(retention2);
        Assert.Equal(old.MediaSetId, oldSet.MediaSetId);
        Assert.True(oldSet.SafeToRetire, oldSet.Reason);
        Assert.False((await RetentionAsync(kit, requiredCopies: 3)).Single().SafeToRetire);
        Assert.True(GetTapeRetentionOperation.IsFileSafeToRetire(kit.Catalog, old.Files[0], 2));

        // The second run writes only what is not on tape yet.
        // It appends a second session to the same (appendable) tapes, in the next tape file, and reads it back.
        var second = await BackupToTapeAsync(kit, request);
        Assert.Equal(2, second.Objects);
        Assert.Equal(3, second.SkippedAlreadyOnTape);
        Assert.Equal(4, second.VerifiedCopies);
        Assert.Equal(first.Volumes.Order(), second.Volumes.Intersect(first.Volumes).Order());
        Assert.Equal(5, kit.Catalog.GetObjects().Count);
        Assert.All(kit.Catalog.GetObjects(backupSetId: old.BackupSetId), o => Assert.StartsWith("PGVS1/sales/", o.Name));
    }

    [Fact]
    public async Task AFileChangedOnTheShareSinceItsBackupIsRefused()
    {
        using var kit = new TapeTestKit();
        var set = AddBackupSet(kit, "hr", initialize: true, files: 1, seed: 3);
        File.WriteAllBytes(set.Files[0].Path, new byte[set.Files[0].SizeBytes]);
        var configuration = await MirroredConfigurationAsync(kit);
        var error = await Assert.ThrowsAnyAsync<ClusterBackupException>(() => BackupToTapeAsync(kit, new BackupToTapeRequest { ConfigurationPath = configuration }));
        Assert.Contains("changed", error.Message);
        Assert.DoesNotContain(kit.Catalog.GetObjects(), o => o.Copies.Count > 0);
    }
}
