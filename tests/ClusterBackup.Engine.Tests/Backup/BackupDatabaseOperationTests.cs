using ClusterBackup.Engine.Backup;
using ClusterBackup.Engine.Catalog;
using ClusterBackup.Engine.Cluster;
using ClusterBackup.Engine.Common;
using ClusterBackup.Engine.Configuration;
using ClusterBackup.Engine.Databases;
using Newtonsoft.Json.Linq;

namespace ClusterBackup.Engine.Tests.Backup;

/// <summary>
/// The backup operation on a test-double cluster and engine, handed to it through its provider registry: what the
/// operation itself decides (which node it backs up on, how often it asks the cluster, what it records, what a
/// database that fails does to the others), with no database server behind it. Every other backup test runs the
/// real providers (PostgreSqlBackupTests, PostgreSqlFailoverTests).
/// </summary>
public sealed class BackupDatabaseOperationTests : IDisposable
{
    private readonly TempDirectory _dir = new("backup-op");
    private readonly FakeCluster _cluster = new();
    private readonly FakeEngine _engine = new();
    private readonly ClusterBackupConfiguration _configuration;
    private readonly CatalogDatabase _catalog;
    private readonly string _share;

    public BackupDatabaseOperationTests()
    {
        _configuration = new ClusterBackupConfiguration(_dir.Combine("clusterbackup.json"),
            [new ClusterDefinition("clu1", FakeCluster.ProviderName, new JObject())],
            [new ServerDefinition("vs1", "clu1", FakeEngine.EngineName, new JObject())]);
        _catalog = CatalogDatabase.OpenOrCreate(_dir.Combine("catalog.db"));
        _share = _dir.Combine("share");
        Directory.CreateDirectory(_share);
    }

    public void Dispose() => _dir.Dispose();

    private BackupDatabaseOperation Operation() =>
        new(_configuration, _catalog, new ProviderRegistry([new FakeClusterFactory(_cluster)], [new FakeEngineFactory(_engine)]));

    [Fact]
    public async Task BacksUpOnTheActiveNodeTheEngineFindsAndRecordsWhatItWrote()
    {
        var reporter = new RecordingReporter();

        var outcomes = await Operation().RunAsync(new BackupDatabaseRequest(_share, ["sales", "hr"], BackupType.Full, "vs1", Verify: true), reporter, default);

        Assert.Empty(reporter.Warnings);
        Assert.Equal(["sales", "hr"], outcomes.Select(o => o.Database));
        Assert.All(outcomes, o => Assert.True(o.Succeeded, o.Error?.Message));
        // The cluster names node1 as owner; the engine answers as active only on node2, so every database is backed up there.
        Assert.All(outcomes, o => Assert.Equal("node2", o.BackupSet!.Node));
        Assert.All(_engine.BackedUpOn, target => Assert.Equal("node2.example", target));
        Assert.Equal(1, _cluster.OwnerQueries);
        var recorded = new BackupSetCatalog(_catalog).GetBackupSets();
        Assert.Equal(2, recorded.Count);
        foreach (var set in recorded)
        {
            Assert.Equal(FakeEngine.EngineName, set.Engine);
            Assert.True(set.Verified);
            var file = Assert.Single(set.Files);
            Assert.True(File.Exists(file.Path));
            Assert.StartsWith(Path.GetFullPath(_share), file.Path);
            Assert.Equal((await FileHasher.HashAsync(file.Path, default)).Sha256, file.Sha256);
        }
    }

    [Fact]
    public async Task ADatabaseTheEngineDoesNotFindFailsOnItsOwn()
    {
        var outcomes = await Operation().RunAsync(new BackupDatabaseRequest(_share, ["sales", "gone", "hr"], BackupType.Full, "vs1"), NullOperationReporter.Instance, default);

        Assert.Equal(["sales", "gone", "hr"], outcomes.Select(o => o.Database));
        Assert.True(outcomes[0].Succeeded);
        Assert.True(outcomes[2].Succeeded);
        var failed = outcomes[1];
        Assert.Null(failed.BackupSet);
        Assert.Equal(ErrorKind.ObjectNotFound, failed.Error!.Kind);
        Assert.Equal("gone", failed.Error.Target);
        Assert.Equal(["hr", "sales"], new BackupSetCatalog(_catalog).GetBackupSets().Select(s => s.Database).Order());
    }

    [Fact]
    public async Task ALogBackupWithoutAFullOneWritesNothing()
    {
        var outcome = Assert.Single(await Operation().RunAsync(new BackupDatabaseRequest(_share, ["sales"], BackupType.Log, "vs1"), NullOperationReporter.Instance, default));

        Assert.Null(outcome.BackupSet);
        Assert.Equal("LogBackupWithoutFull", outcome.Error!.Cause);
        Assert.Empty(_engine.BackedUpOn);
        Assert.Empty(Directory.GetFiles(_share, "*", SearchOption.AllDirectories));
        Assert.Empty(new BackupSetCatalog(_catalog).GetBackupSets());
    }

    [Fact]
    public async Task AWriterWhoseMediaSetLockWasTakenOverIsRefusedAtItsCommitAndLeavesNoFileBehind()
    {
        if (OperatingSystem.IsWindows())
            return; // the lost lock is simulated by unlinking the held lock file, which Windows does not allow
        var reached = new TaskCompletionSource();
        var release = new TaskCompletionSource();
        _engine.HoldAfterWrite = async () =>
        {
            reached.SetResult();
            await release.Task;
        };
        var stale = Operation().RunAsync(new BackupDatabaseRequest(_share, ["sales"], BackupType.Full, "vs1"), NullOperationReporter.Instance, default);
        await reached.Task.WaitAsync(TimeSpan.FromSeconds(10));
        var staleFile = Directory.GetFiles(_share, "*.bak", SearchOption.AllDirectories).Single();

        // The stale writer's lock is lost (its lock file reclaimed): the next writer takes the lock afresh, with a higher token.
        var lockPath = _catalog.LockPath($"media-set-{ShareLayout.SafeName("vs1")}-{ShareLayout.SafeName("sales")}-{ShareLayout.TypeFolder(BackupType.Full)}");
        File.Delete(lockPath);
        var current = Assert.Single(await Operation().RunAsync(new BackupDatabaseRequest(_share, ["sales"], BackupType.Full, "vs1", Initialize: true), NullOperationReporter.Instance, default));
        Assert.True(current.Succeeded, current.Error?.Message);
        release.SetResult();
        var refused = Assert.Single(await stale);

        Assert.Null(refused.BackupSet);
        Assert.Equal(ErrorKind.ResourceBusy, refused.Error!.Kind);
        Assert.Equal("WriterFenced", refused.Error.Cause);
        Assert.Contains("fencing token 2", refused.Error.Message);
        Assert.Contains("this writer's token 1", refused.Error.Message);
        Assert.False(File.Exists(staleFile));
        var recorded = Assert.Single(new BackupSetCatalog(_catalog).GetBackupSets());
        Assert.Equal(current.BackupSet!.BackupSetId, recorded.BackupSetId);
        var file = Assert.Single(recorded.Files);
        Assert.Equal((await FileHasher.HashAsync(file.Path, default)).Sha256, file.Sha256);
    }

    /// <summary>Two nodes; the cluster says node1 owns vs1, a stale owner as a topology not updated after a failover gives.</summary>
    private sealed class FakeCluster : IClusterService
    {
        public const string ProviderName = "fake-cluster";

        public int OwnerQueries { get; private set; }

        public string ClusterName => "clu1";

        public Task<IReadOnlyList<ClusterNode>> GetNodesAsync(CancellationToken cancellationToken = default) =>
            Task.FromResult<IReadOnlyList<ClusterNode>>([new ClusterNode("node1", ClusterNodeState.Online, "node1.example"), new ClusterNode("node2", ClusterNodeState.Online, "node2.example")]);

        public Task<IReadOnlyList<ClusterGroup>> GetGroupsAsync(CancellationToken cancellationToken = default) =>
            Task.FromResult<IReadOnlyList<ClusterGroup>>([new ClusterGroup("vs1", "node1", ClusterGroupState.Online, [])]);

        public Task<ClusterOwner> GetOwnerAsync(string virtualServer, CancellationToken cancellationToken = default)
        {
            OwnerQueries++;
            return Task.FromResult(new ClusterOwner(virtualServer, "vs1", "node1", "node1.example"));
        }
    }

    /// <summary>Active on node2 only; knows the databases sales and hr; a backup is one file of known bytes.</summary>
    private sealed class FakeEngine : IDatabaseEngine
    {
        public const string EngineName = "FakeEngine";
        private static readonly string[] Databases = ["sales", "hr"];

        public List<string> BackedUpOn { get; } = [];

        /// <summary>Awaited once the backup file is written, before the operation goes on to its commit.</summary>
        public Func<Task>? HoldAfterWrite { get; set; }

        public string Name => EngineName;

        public string? WhyNotSupported(BackupType type, string database) => type == BackupType.Differential ? "the fake engine takes full and log backups" : null;

        public Task<DatabaseServer> FindActiveServerAsync(string virtualServer, IReadOnlyList<string> candidates, string? database, CancellationToken cancellationToken)
        {
            if (!candidates.Contains("node2.example"))
                throw new ClusterBackupException(ErrorKind.ResourceUnavailable, virtualServer, $"No active server of '{virtualServer}' among {string.Join(", ", candidates)}.");
            if (database is not null && !Databases.Contains(database))
                throw new ClusterBackupException(ErrorKind.ObjectNotFound, database, $"Database '{database}' is not on '{virtualServer}'.");
            return Task.FromResult(new DatabaseServer(virtualServer, "node2.example", "node2.example"));
        }

        public Task<IReadOnlyList<string>> ListUserDatabasesAsync(DatabaseServer server, CancellationToken cancellationToken) =>
            Task.FromResult<IReadOnlyList<string>>(Databases);

        public async Task<EngineBackupResult> BackupAsync(EngineBackupRequest request, IOperationReporter reporter, CancellationToken cancellationToken)
        {
            BackedUpOn.Add(request.Server.ConnectionTarget);
            var started = DateTimeOffset.UtcNow;
            var path = Path.Combine(request.Directory, request.FileStem + ".bak");
            await File.WriteAllTextAsync(path, $"{request.Type} backup of {request.Database}", cancellationToken);
            if (HoldAfterWrite is { } hold)
            {
                HoldAfterWrite = null;
                await hold();
            }
            return new EngineBackupResult([path], "1", "2", null, started, DateTimeOffset.UtcNow);
        }

        public Task<IReadOnlyList<EngineBackupRecord>> ListBackupsAsync(DatabaseServer server, string database, CancellationToken cancellationToken) =>
            Task.FromResult<IReadOnlyList<EngineBackupRecord>>([]);

        public Task<VerifyResult> VerifyAsync(BackupSet backupSet, IReadOnlyList<BackupSet> chain, IOperationReporter reporter, CancellationToken cancellationToken) =>
            Task.FromResult(new VerifyResult(true, []));

        public Task RestoreAsync(RestoreRequest request, IOperationReporter reporter, CancellationToken cancellationToken) =>
            throw new NotSupportedException("The backup tests restore nothing.");
    }

    private sealed class FakeClusterFactory(FakeCluster cluster) : IClusterServiceFactory
    {
        public string Provider => FakeCluster.ProviderName;
        public IClusterService Create(ClusterDefinition definition) => cluster;
    }

    private sealed class FakeEngineFactory(FakeEngine engine) : IDatabaseEngineFactory
    {
        public string Engine => FakeEngine.EngineName;
        public IDatabaseEngine Create(ServerDefinition definition) => engine;
    }
}
