using ClusterBackup.Engine.Backup;
using ClusterBackup.Engine.Catalog;
using ClusterBackup.Engine.Common;
using ClusterBackup.Engine.Tape;
using ClusterBackup.Engine.Tests.Cli;
using ClusterBackup.Engine.Tests.Tape;
using Newtonsoft.Json.Linq;
using ClusterBackup.Engine.Tape.Library;

namespace ClusterBackup.Engine.Tests.Backup;

/// <summary>The share marker and the catalog's record of each share: initializing, checking, and the refusals, on plain folders.</summary>
public class ShareIdentityTests
{
    private static Task<BackupShare> InitializeAsync(CatalogDatabase catalog, string share, bool force = false) =>
        new InitializeBackupShareOperation(catalog).RunAsync(new InitializeBackupShareRequest(share, force), NullOperationReporter.Instance, default);

    [Fact]
    public async Task InitializingWritesTheMarkerWholeAndRecordsItAndASecondRunChangesNothing()
    {
        using var dir = new TempDirectory("share");
        var share = dir.Combine("share");
        Directory.CreateDirectory(share);
        var catalog = CatalogDatabase.OpenOrCreate(dir.Combine("catalog.db"));

        var first = await InitializeAsync(catalog, share);
        Assert.True(first.Initialized);
        var json = JObject.Parse(File.ReadAllText(Path.Combine(share, ShareMarker.FileName)));
        Assert.Equal(1, (int)json["formatVersion"]!);
        Assert.Equal(first.ShareId, Guid.Parse((string)json["shareId"]!));
        Assert.Equal([ShareMarker.FileName], Directory.GetFileSystemEntries(share).Select(Path.GetFileName));
        Assert.Equal(first.ShareId, new ShareCatalog(catalog).Get(share)!.ShareId);

        var again = await InitializeAsync(catalog, share + "/");
        Assert.False(again.Initialized);
        Assert.Equal(first.ShareId, again.ShareId);
        Assert.Single(new ShareCatalog(catalog).All());
    }

    [Fact]
    public async Task AShareWithBackupsButNoMarkerIsRefusedUntilInitializedAndAnEmptyOneIsInitializedByTheFirstBackup()
    {
        using var dir = new TempDirectory("share");
        var catalog = CatalogDatabase.OpenOrCreate(dir.Combine("catalog.db"));
        var shares = new ShareCatalog(catalog);
        var old = dir.Combine("old");
        Directory.CreateDirectory(Path.Combine(old, "PGVS1", "appdb", "FULL"));

        var refused = Assert.Throws<ClusterBackupException>(() => ShareIdentity.ForBackup(old, shares, [], NullOperationReporter.Instance));
        Assert.Equal("ShareIdentityMissing", refused.ErrorId);
        Assert.Contains(old, refused.Message);
        Assert.Contains($"Initialize-ClusterBackupShare -Path '{old}'", refused.Message);
        Assert.Contains("clusterbackup share init", refused.Message);
        Assert.False(File.Exists(ShareMarker.PathIn(old)));

        var initialized = await InitializeAsync(catalog, old);
        Assert.Equal(initialized.ShareId, ShareIdentity.ForBackup(old, shares, [], NullOperationReporter.Instance).ShareId);

        var fresh = dir.Combine("fresh");
        Directory.CreateDirectory(fresh);
        var reporter = new RecordingReporter();
        var created = ShareIdentity.ForBackup(fresh, shares, [], reporter);
        Assert.True(created.Initialized);
        Assert.Equal(created.ShareId, ShareMarker.Read(fresh)!.ShareId);
        Assert.Equal(created.ShareId, shares.Get(fresh)!.ShareId);
        Assert.Contains(reporter.Messages, m => m.Contains("share marker"));
    }

    [Fact]
    public async Task AKnownShareWithoutItsMarkerOrWithAnotherIsRefusedAndForceReplacesTheRecord()
    {
        using var dir = new TempDirectory("share");
        var share = dir.Combine("share");
        Directory.CreateDirectory(share);
        var catalog = CatalogDatabase.OpenOrCreate(dir.Combine("catalog.db"));
        var shares = new ShareCatalog(catalog);
        var original = await InitializeAsync(catalog, share);
        var file = Path.Combine(share, "PGVS1", "appdb", "FULL", "m1", "base.tar.gz");
        Directory.CreateDirectory(Path.GetDirectoryName(file)!);
        File.WriteAllText(file, "x");

        File.Delete(ShareMarker.PathIn(share));
        var missing = Assert.Throws<ClusterBackupException>(() => ShareIdentity.ForBackup(share, shares, [], NullOperationReporter.Instance));
        Assert.Equal("ShareIdentityMissing", missing.ErrorId);
        Assert.Contains("is the share's filesystem mounted?", missing.Message);
        var read = Assert.Throws<ClusterBackupException>(() => ShareIdentity.RequireForRead([file], shares, "backup set X"));
        Assert.Equal("ShareIdentityMissing", read.ErrorId);
        Assert.StartsWith("Cannot read backup set X: ", read.Message);
        Assert.Equal("ShareIdentityMissing", (await Assert.ThrowsAsync<ClusterBackupException>(() => InitializeAsync(catalog, share))).ErrorId);
        Assert.False(File.Exists(ShareMarker.PathIn(share)));

        // Files outside every recorded share are not checked.
        ShareIdentity.RequireForRead([dir.Combine("elsewhere", "file")], shares, "a file");

        ShareMarker.Write(share, replace: false);
        Assert.Equal("ShareIdentityMismatch", Assert.Throws<ClusterBackupException>(() => ShareIdentity.ForBackup(share, shares, [], NullOperationReporter.Instance)).ErrorId);
        Assert.Equal("ShareIdentityMismatch", Assert.Throws<ClusterBackupException>(() => ShareIdentity.RequireForRead([file], shares, "backup set X")).ErrorId);
        Assert.Equal("ShareIdentityMismatch", (await Assert.ThrowsAsync<ClusterBackupException>(() => InitializeAsync(catalog, share))).ErrorId);

        var replaced = await InitializeAsync(catalog, share, force: true);
        Assert.NotEqual(original.ShareId, replaced.ShareId);
        Assert.Equal(replaced.ShareId, shares.Get(share)!.ShareId);
        ShareIdentity.RequireForRead([file], shares, "backup set X");
    }

    [Fact]
    public void AMarkerThatIsNotAShareMarkerIsAnErrorNamingIt()
    {
        using var dir = new TempDirectory("share");
        File.WriteAllText(dir.Combine(ShareMarker.FileName), """{"formatVersion":1,"shareId":"nope","created":"2026-01-01T00:00:00Z"}""");
        var ex = Assert.Throws<ClusterBackupException>(() => ShareMarker.Read(dir.Path));
        Assert.Equal("ShareIdentityUnreadable", ex.ErrorId);
        Assert.Contains(dir.Combine(ShareMarker.FileName), ex.Message);
        File.WriteAllText(dir.Combine(ShareMarker.FileName), """{"formatVersion":2}""");
        Assert.Contains("formatVersion 2", Assert.Throws<ClusterBackupException>(() => ShareMarker.Read(dir.Path)).Message);
    }

    [Fact]
    public void CliShareInitWritesTheMarkerAndRefusesAKnownShareThatLostItWithExitCode1()
    {
        using var dir = new TempDirectory("share");
        var share = dir.Combine("share");
        Directory.CreateDirectory(share);
        var catalog = dir.Combine("catalog.db");
        var (code, output, error) = CliHarness.Run("share", "init", share, "--catalog", catalog, "--output", "json");
        Assert.True(code == 0, error);
        Assert.Contains("\"Initialized\": true", output);
        Assert.Contains(ShareMarker.Read(share)!.ShareId.ToString(), output);
        File.Delete(ShareMarker.PathIn(share));
        (code, _, error) = CliHarness.Run("share", "init", share, "--catalog", catalog);
        Assert.Equal(1, code);
        Assert.Contains("(ShareIdentityMissing)", error);
        Assert.Contains(share, error);
        (code, _, error) = CliHarness.Run("share", "init", share, "--catalog", catalog, "--force");
        Assert.True(code == 0, error);
        Assert.True(File.Exists(ShareMarker.PathIn(share)));
    }

    [Fact]
    public async Task ATapeBackupRefusesARecordedShareWithoutItsMarkerAndWritesNothing()
    {
        using var kit = new TapeTestKit();
        BackupToTapeOperationTests.AddBackupSet(kit, "sales", initialize: true, files: 2, seed: 1);
        var configuration = await BackupToTapeOperationTests.MirroredConfigurationAsync(kit);
        var share = kit.Directory.Combine("share");
        await InitializeAsync(kit.Catalog.Database, share);
        File.Delete(ShareMarker.PathIn(share));

        var ex = await Assert.ThrowsAsync<ClusterBackupException>(() => new BackupToTapeOperation(kit.Catalog.Database, ConfiguredTapeLibraryFactory.Default)
            .RunAsync(new BackupToTapeRequest { ConfigurationPath = configuration }, NullOperationReporter.Instance, default));
        Assert.Equal("ShareIdentityMissing", ex.ErrorId);
        Assert.Contains(share, ex.Message);
        Assert.Empty(kit.Catalog.GetObjects());
    }
}
