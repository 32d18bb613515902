using ClusterBackup.Engine.Backup;
using ClusterBackup.Engine.Catalog;
using ClusterBackup.Engine.Common;
using ClusterBackup.Engine.Configuration;
using ClusterBackup.Engine.Tests.Cli;
using ClusterBackup.Engine.Tests.Databases.PostgreSql;

namespace ClusterBackup.Engine.Tests.Backup;

/// <summary>
/// Backups against a real PostgreSQL pair (no failover; PostgreSqlFailoverTests has that). Bad input against it: each case fails with an error naming the object, leaves no file
/// on the share that looks like a finished backup, and changes nothing in the catalog. Each test has its own
/// catalog and share folder, so the tests share one pair of servers without depending on each other.
/// </summary>
public sealed class PostgreSqlBackupTests(PostgreSqlPair pair) : IClassFixture<PostgreSqlPair>
{
    private sealed record Scene(ClusterBackupConfiguration Configuration, CatalogDatabase Catalog, string Share, string Root) : IDisposable
    {
        public BackupDatabaseOperation Operation => new(Configuration, Catalog, ProviderRegistry.Default);
        public void Dispose() { try { Directory.Delete(Root, true); } catch (IOException) { } }
    }

    private Scene NewScene()
    {
        var root = Path.Combine(pair.Root, "scene-" + Guid.NewGuid().ToString("N")[..8]);
        var share = Path.Combine(root, "share");
        Directory.CreateDirectory(share);
        return new Scene(ClusterBackupConfiguration.Load(pair.ConfigurationPath), CatalogDatabase.OpenOrCreate(Path.Combine(root, "catalog.db")), share, root);
    }

    private static BackupDatabaseRequest Request(string share, BackupType type = BackupType.Full, string server = PostgreSqlPair.VirtualServer,
        string database = PostgreSqlPair.Database, string? cluster = null, bool init = false) =>
        new(share, [database], type, server, cluster, Initialize: init);

    private static async Task<ClusterBackupException> FailsCleanly(Scene scene, BackupDatabaseRequest request, ErrorKind kind, string named)
    {
        // Bad parameters end the request; a database at fault is the error of its own outcome.
        ClusterBackupException ex;
        try
        {
            var outcome = Assert.Single(await scene.Operation.RunAsync(request, NullOperationReporter.Instance, default));
            Assert.Null(outcome.BackupSet);
            ex = Assert.IsType<ClusterBackupException>(outcome.Error);
        }
        catch (ClusterBackupException thrown)
        {
            ex = thrown;
        }
        Assert.Equal(kind, ex.Kind);
        Assert.Contains(named, ex.Message);
        var catalog = new BackupSetCatalog(scene.Catalog);
        Assert.Empty(catalog.GetBackupSets());
        Assert.Empty(catalog.GetMediaSets());
        if (Directory.Exists(scene.Share))
            Assert.Empty(Directory.GetFiles(scene.Share, "*", SearchOption.AllDirectories));
        return ex;
    }

    [Fact]
    public async Task EachDatabaseSucceedsOrFailsOnItsOwn()
    {
        using var s = NewScene();
        var request = new BackupDatabaseRequest(s.Share, ["nosuchdb", PostgreSqlPair.Database], BackupType.Full, PostgreSqlPair.VirtualServer, Initialize: true);
        var outcomes = await s.Operation.RunAsync(request, NullOperationReporter.Instance, default);
        Assert.Equal(["nosuchdb", PostgreSqlPair.Database], outcomes.Select(o => o.Database));
        Assert.Equal("DatabaseNotFound", outcomes[0].Error?.ErrorId);
        Assert.Null(outcomes[0].BackupSet);
        Assert.Null(outcomes[1].Error);
        Assert.Equal(PostgreSqlPair.Database, outcomes[1].BackupSet!.Database);
        Assert.Single(new BackupSetCatalog(s.Catalog).GetBackupSets());

        // A log backup without a full one is that database's failure; an unknown server fails them all at once.
        var log = await s.Operation.RunAsync(request with { Databases = ["postgres"], Type = BackupType.Log, Initialize = false }, NullOperationReporter.Instance, default);
        Assert.Equal("LogBackupWithoutFull", Assert.Single(log).Error?.ErrorId);
        var server = await Assert.ThrowsAsync<ClusterBackupException>(() => s.Operation.RunAsync(request with { Server = "nosuchvs" }, NullOperationReporter.Instance, default));
        Assert.Equal("ServerNotFound", server.ErrorId);
    }

    [Fact]
    public async Task ADifferentialOfAPostgreSqlDatabaseIsRefusedNamingItAndWhy()
    {
        using var s = NewScene();
        var error = await FailsCleanly(s, Request(s.Share, BackupType.Differential, init: true), ErrorKind.InvalidOperation, PostgreSqlPair.Database);
        Assert.Equal("DifferentialBackupNotSupported", error.ErrorId);
        Assert.Equal(PostgreSqlPair.Database, error.Target);
        Assert.Contains("PostgreSQL has no native differential backup", error.Message);
        Assert.Contains("Take a full backup", error.Message);
    }

    [Fact]
    public async Task ACopyOnlyDifferentialIsBadInputBeforeAnyServerIsAsked()
    {
        using var s = NewScene();
        var error = await FailsCleanly(s, Request(s.Share, BackupType.Differential) with { CopyOnly = true }, ErrorKind.InvalidArgument, "COPY_ONLY");
        Assert.Equal("CopyOnlyDifferential", error.ErrorId);
    }

    [Fact]
    public async Task UnknownServer() { using var s = NewScene(); await FailsCleanly(s, Request(s.Share, server: "nosuchvs"), ErrorKind.ObjectNotFound, "nosuchvs"); }

    [Fact]
    public async Task UnknownCluster() { using var s = NewScene(); await FailsCleanly(s, Request(s.Share, cluster: "nosuchcluster"), ErrorKind.ObjectNotFound, "nosuchcluster"); }

    [Fact]
    public async Task UnknownDatabase() { using var s = NewScene(); await FailsCleanly(s, Request(s.Share, database: "nosuchdb"), ErrorKind.ObjectNotFound, "nosuchdb"); }

    [Fact]
    public async Task EachDatabaseHasItsOwnOutcomeAndOneThatFailsDoesNotStopTheOthers()
    {
        using var s = NewScene();
        var request = new BackupDatabaseRequest(s.Share, ["nosuchdb", PostgreSqlPair.Database], BackupType.Full, PostgreSqlPair.VirtualServer, Initialize: true);
        var outcomes = await s.Operation.RunAsync(request, NullOperationReporter.Instance, default);
        Assert.Equal(["nosuchdb", PostgreSqlPair.Database], outcomes.Select(o => o.Database));
        Assert.Null(outcomes[0].BackupSet);
        Assert.Equal(ErrorKind.ObjectNotFound, outcomes[0].Error!.Kind);
        Assert.Equal("nosuchdb", outcomes[0].Error!.Target);
        Assert.True(outcomes[1].Succeeded, outcomes[1].Error?.Message);
        Assert.Equal([outcomes[1].BackupSet!.BackupSetId], new BackupSetCatalog(s.Catalog).GetBackupSets().Select(b => b.BackupSetId));

        // A log backup of a database with a full backup and of one without: the first is taken, the second refused by name.
        var logs = await s.Operation.RunAsync(new BackupDatabaseRequest(s.Share, [PostgreSqlPair.Database, "postgres"], BackupType.Log, PostgreSqlPair.VirtualServer),
            NullOperationReporter.Instance, default);
        Assert.True(logs[0].Succeeded, logs[0].Error?.Message);
        Assert.Equal(outcomes[1].BackupSet!.Node, logs[0].BackupSet!.Node);
        Assert.Equal("postgres", logs[1].Error!.Target);
        Assert.Contains("no full backup", logs[1].Error!.Message);
    }

    [Fact]
    public async Task ARestoreTestRestoresStartsAndChecksTheCopyThenRemovesItAndRecordsTheResult()
    {
        using var s = NewScene();
        (await s.Operation.RunAsync(Request(s.Share, init: true), NullOperationReporter.Instance, default)).SingleSet();
        var log = (await s.Operation.RunAsync(Request(s.Share, BackupType.Log), NullOperationReporter.Instance, default)).SingleSet();
        var scratch = Path.Combine(s.Root, "scratch");
        var reporter = new RecordingReporter();
        var result = Assert.Single(await new VerifyBackupSetOperation(s.Catalog, s.Configuration, ProviderRegistry.Default)
            .RunAsync(new VerifyBackupSetRequest(log.BackupSetId, Restore: true, ScratchPath: scratch), reporter, default));
        Assert.True(result.Verified, string.Join("; ", result.Problems));
        var test = Assert.IsType<RestoreTest>(result.RestoreTest);
        Assert.True(test.Succeeded);
        Assert.True(test.CopyRemoved);
        Assert.StartsWith(scratch, test.ScratchPath);
        Assert.Empty(Directory.GetFileSystemEntries(scratch));
        Assert.Contains(reporter.Messages, m => m.Contains("pg_amcheck found no corruption"));
        var recorded = Assert.Single(new RestoreTestCatalog(s.Catalog).ForBackupSet(log.BackupSetId));
        Assert.Equal(test.TestId, recorded.TestId);
        Assert.True(recorded.Succeeded);
        Assert.Empty(recorded.Problems);

        // The CLI runs the same test and shows it.
        var (code, output, error) = CliHarness.Run("verify", "--id", log.BackupSetId.ToString(), "--restore", "--scratch", scratch,
            "--config", pair.ConfigurationPath, "--catalog", s.Catalog.Path, "--output", "json");
        Assert.True(code == 0, error);
        Assert.Contains("\"RestoreTest\": {", output);
        Assert.Contains("\"CopyRemoved\": true", output);
        Assert.Equal(2, new RestoreTestCatalog(s.Catalog).ForBackupSet(log.BackupSetId).Count);
    }

    [Fact]
    public async Task WithoutDatabasesEveryUserDatabaseIsBackedUpLessTheExcludedOnes()
    {
        using var s = NewScene();
        var extra = "extra" + Guid.NewGuid().ToString("N")[..8];
        PostgreSqlPair.Execute(pair.PrimaryPort, "postgres", $"CREATE DATABASE {extra}");
        try
        {
            var request = new BackupDatabaseRequest(s.Share, [], BackupType.Full, PostgreSqlPair.VirtualServer, Initialize: true, ExcludeDatabases: [PostgreSqlPair.Database.ToUpperInvariant()]);
            var outcomes = await s.Operation.RunAsync(request, NullOperationReporter.Instance, default);
            Assert.Contains(outcomes, o => o.Database == extra && o.Succeeded);
            Assert.DoesNotContain(outcomes, o => o.Database is PostgreSqlPair.Database or "postgres" or "template0" or "template1");
            Assert.All(outcomes, o => Assert.True(o.Succeeded, o.Error?.Message));

            var everything = new BackupDatabaseRequest(s.Share, [PostgreSqlPair.Database], BackupType.Full, PostgreSqlPair.VirtualServer, ExcludeDatabases: [PostgreSqlPair.Database]);
            var error = await Assert.ThrowsAsync<ClusterBackupException>(() => s.Operation.RunAsync(everything, NullOperationReporter.Instance, default));
            Assert.Equal(ErrorKind.InvalidArgument, error.Kind);
        }
        finally
        {
            PostgreSqlPair.Execute(pair.PrimaryPort, "postgres", $"DROP DATABASE {extra}");
        }
    }

    [Fact]
    public async Task UnreachableShare()
    {
        using var s = NewScene();
        var missing = Path.Combine(s.Root, "not-mounted");
        await FailsCleanly(s, Request(missing), ErrorKind.ResourceUnavailable, missing);
    }

    [Fact]
    public async Task LogBackupWithoutAFullBackup()
    {
        using var s = NewScene();
        var ex = await FailsCleanly(s, Request(s.Share, BackupType.Log), ErrorKind.InvalidOperation, PostgreSqlPair.Database);
        Assert.Contains("no full backup", ex.Message);
    }

    [Fact]
    public async Task FullShareIsRefusedBeforeWriting()
    {
        using var s = NewScene();
        var small = Path.Combine(s.Root, "small");
        Directory.CreateDirectory(small);
        PostgreSqlPair.Run("mount", "-t", "tmpfs", "-o", "size=2m", "tmpfs", small);
        try
        {
            var ex = await FailsCleanly(s with { Share = small }, Request(small, init: true), ErrorKind.ResourceUnavailable, small);
            Assert.Contains("free", ex.Message);
        }
        finally
        {
            PostgreSqlPair.Run("umount", small);
        }
    }

    [Fact]
    public async Task RunningOutOfSpaceWhileWritingIsReportedAndLeavesNothing()
    {
        // The operation's free-space check would refuse this share up front; the engine is driven directly
        // so the write itself meets ENOSPC, as when something else fills the share during a backup.
        using var s = NewScene();
        var small = Path.Combine(s.Root, "small");
        Directory.CreateDirectory(small);
        PostgreSqlPair.Run("mount", "-t", "tmpfs", "-o", "size=1m", "tmpfs", small);
        try
        {
            var resolved = await BackupOutcomes.ResolveOneAsync(s.Configuration, s.Configuration.GetServer(PostgreSqlPair.VirtualServer),
                PostgreSqlPair.Database, NullOperationReporter.Instance, default);
            var request = new global::ClusterBackup.Engine.Databases.EngineBackupRequest(resolved.Active, PostgreSqlPair.Database, BackupType.Full, small, "full", true, false, false, null);
            var ex = await Assert.ThrowsAsync<ClusterBackupException>(() => resolved.Engine.BackupAsync(request, NullOperationReporter.Instance, default));
            Assert.Equal(ErrorKind.ResourceUnavailable, ex.Kind);
            Assert.Contains("share is full", ex.Message);
            Assert.Empty(Directory.GetFileSystemEntries(small));

            // A log backup copying 16 MiB WAL segments into the same 1 MiB share.
            var previous = new BackupSet
            {
                BackupSetId = Guid.NewGuid(), Cluster = PostgreSqlPair.Cluster, VirtualServer = PostgreSqlPair.VirtualServer, Node = "node1",
                Database = PostgreSqlPair.Database, Engine = "PostgreSql", Type = BackupType.Full, Initialize = true, MediaSetId = "m", Started = DateTimeOffset.UtcNow,
                FirstLsn = PostgreSqlPair.Scalar<string>(pair.PrimaryPort, "postgres", "SELECT pg_current_wal_lsn()::text"),
            };
            var log = request with { Type = BackupType.Log, FileStem = "log", PreviousInChain = previous };
            ex = await Assert.ThrowsAsync<ClusterBackupException>(() => resolved.Engine.BackupAsync(log, NullOperationReporter.Instance, default));
            Assert.Equal(ErrorKind.ResourceUnavailable, ex.Kind);
            Assert.Contains("share is full", ex.Message);
            Assert.Empty(Directory.GetFileSystemEntries(small));
        }
        finally
        {
            PostgreSqlPair.Run("umount", small);
        }
    }

    [Fact]
    public async Task AFailureAfterTheEngineHasWrittenRemovesWhatWasNotCataloguedAndKeepsTheMediaSet()
    {
        using var s = NewScene();
        var full = (await s.Operation.RunAsync(Request(s.Share, init: true), NullOperationReporter.Instance, default)).SingleSet();
        var log1 = (await s.Operation.RunAsync(Request(s.Share, BackupType.Log), NullOperationReporter.Instance, default)).SingleSet();
        var before = Directory.GetFiles(s.Share, "*", SearchOption.AllDirectories).Order().ToArray();
        Assert.Equal(full.Files.Concat(log1.Files).Select(f => f.Path).Order(), before);

        // Cancelled while the operation hashes the log backup the engine has just written into the active
        // media set: the last step before the catalog transaction, so the files exist and nothing records them.
        using var stop = new CancellationTokenSource();
        var cancelled = false;
        var reporter = new RecordingReporter((activity, _) =>
        {
            if (activity.StartsWith("SHA-256 of the", StringComparison.Ordinal))
            {
                cancelled = true;
                stop.Cancel();
            }
        });
        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => s.Operation.RunAsync(Request(s.Share, BackupType.Log), reporter, stop.Token));
        Assert.True(cancelled);

        Assert.Equal(before, Directory.GetFiles(s.Share, "*", SearchOption.AllDirectories).Order().ToArray());
        var catalog = new BackupSetCatalog(s.Catalog);
        Assert.Equal(new[] { full.BackupSetId, log1.BackupSetId }.Order(), catalog.GetBackupSets().Select(b => b.BackupSetId).Order());
        var log2 = (await s.Operation.RunAsync(Request(s.Share, BackupType.Log), NullOperationReporter.Instance, default)).SingleSet();
        Assert.Equal(log1.MediaSetId, log2.MediaSetId);
        Assert.Equal(2, log2.Position);
    }

    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public async Task TheVirtualAddressIsTriedFirstAndAStandbyBehindItIsPassedOver(bool addressOfStandby)
    {
        var port = addressOfStandby ? pair.StandbyPort : pair.PrimaryPort;
        var text = File.ReadAllText(pair.ConfigurationPath).Replace("\"walArchive\"", $"\"virtualAddress\": \"127.0.0.1:{port}\", \"walArchive\"");
        var configuration = ClusterBackupConfiguration.Parse(text, pair.ConfigurationPath);
        var reporter = new RecordingReporter();
        var resolved = await BackupOutcomes.ResolveOneAsync(configuration, configuration.GetServer(PostgreSqlPair.VirtualServer), PostgreSqlPair.Database, reporter, default);
        Assert.Equal("node1", resolved.Active.Node);
        Assert.Equal($"127.0.0.1:{pair.PrimaryPort}", resolved.Active.ConnectionTarget);
    }

    [Fact]
    public async Task UnknownEngineInTheConfigurationIsNamed()
    {
        using var s = NewScene();
        var configuration = ClusterBackupConfiguration.Parse("""
            { "version": 1, "clusters": [ { "name": "c", "provider": "Static", "settings": { "topologyFile": "t.json" } } ],
              "servers": [ { "name": "vs", "cluster": "c", "engine": "Oracle" } ] }
            """, Path.Combine(pair.Root, "x.json"));
        var ex = await Assert.ThrowsAsync<ClusterBackupException>(() =>
            new BackupDatabaseOperation(configuration, s.Catalog, ProviderRegistry.Default).RunAsync(new BackupDatabaseRequest(s.Share, ["db"], BackupType.Full, "vs"), NullOperationReporter.Instance, default));
        Assert.Contains("Oracle", ex.Message);
    }

    [Fact]
    public async Task InitStartsANewMediaSetAndKeepsTheSupersededOne()
    {
        using var s = NewScene();
        var first = (await s.Operation.RunAsync(Request(s.Share, init: true), NullOperationReporter.Instance, default)).SingleSet();
        var appended = (await s.Operation.RunAsync(Request(s.Share), NullOperationReporter.Instance, default)).SingleSet();
        var second = (await s.Operation.RunAsync(Request(s.Share, init: true), NullOperationReporter.Instance, default)).SingleSet();
        Assert.Equal(first.MediaSetId, appended.MediaSetId);
        Assert.Equal(2, appended.Position);
        Assert.NotEqual(first.MediaSetId, second.MediaSetId);
        var mediaSets = new BackupSetCatalog(s.Catalog).GetMediaSets(PostgreSqlPair.VirtualServer, PostgreSqlPair.Database);
        Assert.Equal(MediaSetStatus.Superseded, mediaSets.Single(m => m.MediaSetId == first.MediaSetId).Status);
        Assert.Equal(second.MediaSetId, mediaSets.Single(m => m.MediaSetId == first.MediaSetId).SupersededBy);
        Assert.All(first.Files.Concat(appended.Files), f => Assert.True(File.Exists(f.Path), $"{f.Path} of the superseded media set must be kept"));
        Assert.Empty(Directory.GetDirectories(s.Share, "*.partial", SearchOption.AllDirectories));

        // The server's own record of base backups (the *.backup history files it archived) knows them too.
        var resolved = await BackupOutcomes.ResolveOneAsync(s.Configuration, s.Configuration.GetServer(PostgreSqlPair.VirtualServer),
            PostgreSqlPair.Database, NullOperationReporter.Instance, default);
        var records = await resolved.Engine.ListBackupsAsync(resolved.Active, PostgreSqlPair.Database, default);
        Assert.Contains(records, r => r.FirstLsn == first.FirstLsn && r.Type == BackupType.Full);
    }

    [Fact]
    public async Task VerifyFindsADamagedFile()
    {
        using var s = NewScene();
        var full = (await s.Operation.RunAsync(Request(s.Share, init: true), NullOperationReporter.Instance, default)).SingleSet();
        var manifest = full.Files.Single(f => f.Path.EndsWith("backup_manifest")).Path;
        File.AppendAllText(manifest, " ");
        var result = (await new VerifyBackupSetOperation(s.Catalog, s.Configuration, ProviderRegistry.Default).RunAsync(new VerifyBackupSetRequest(full.BackupSetId), NullOperationReporter.Instance, default)).Single();
        Assert.False(result.Verified);
        Assert.Contains(result.Problems, p => p.Contains("backup_manifest"));
        Assert.False(new BackupSetCatalog(s.Catalog).GetBackupSets(new BackupSetQuery(BackupSetId: full.BackupSetId)).Single().Verified);
    }

    [Fact]
    public void CliBackupVerifyAndList()
    {
        using var s = NewScene();
        string[] common = ["--config", pair.ConfigurationPath, "--catalog", s.Catalog.Path];
        var (code, output, error) = CliHarness.Run(["backup", "--server", PostgreSqlPair.VirtualServer, "--database", PostgreSqlPair.Database,
            "--type", "Full", "--init", "--share", s.Share, "--checksum", "--output", "json", .. common]);
        Assert.True(code == 0, error);
        Assert.Contains("\"Node\": \"node1\"", output);
        (code, output, error) = CliHarness.Run(["backup", "-s", PostgreSqlPair.VirtualServer, "-d", PostgreSqlPair.Database, "-t", "Log", "--share", s.Share, "--verify", .. common]);
        Assert.True(code == 0, error);
        (code, output, error) = CliHarness.Run(["verify", "-s", PostgreSqlPair.VirtualServer, "-d", PostgreSqlPair.Database, "--all", .. common]);
        Assert.True(code == 0, error + output);
        Assert.Equal(2, output.Split('\n').Count(l => l.Contains(PostgreSqlPair.VirtualServer) && l.Contains(" yes")));
        (code, output, error) = CliHarness.Run(["catalog", "list", "--catalog", s.Catalog.Path, "--output", "json"]);
        Assert.True(code == 0, error);
        Assert.Contains("\"Type\": \"Log\"", output);
        Assert.Contains("\"Type\": \"Full\"", output);
    }

    [Fact]
    public void CliBadInputIsAUsageErrorNamingTheObject()
    {
        using var s = NewScene();
        var (code, _, error) = CliHarness.Run("backup", "--server", "nosuchvs", "--database", "x", "--share", s.Share, "--config", pair.ConfigurationPath, "--catalog", s.Catalog.Path);
        Assert.Equal(2, code);
        Assert.Contains("nosuchvs", error);
        (code, _, error) = CliHarness.Run("backup", "--server", PostgreSqlPair.VirtualServer, "--database", PostgreSqlPair.Database, "--type", "Log",
            "--share", s.Share, "--config", pair.ConfigurationPath, "--catalog", s.Catalog.Path);
        Assert.Equal(1, code);
        Assert.Contains("no full backup", error);

        // One database that does not exist beside one that does: the good one is backed up and shown, the bad one named.
        (code, var output, error) = CliHarness.Run("backup", "--server", PostgreSqlPair.VirtualServer, "--database", "nosuchdb", "--database", PostgreSqlPair.Database,
            "--init", "--share", s.Share, "--config", pair.ConfigurationPath, "--catalog", s.Catalog.Path, "--output", "json");
        Assert.Equal(2, code);
        Assert.Contains("'nosuchdb' does not exist", error);
        Assert.Contains($"\"Database\": \"{PostgreSqlPair.Database}\"", output);
        Assert.Single(new BackupSetCatalog(s.Catalog).GetBackupSets());
    }

    [Fact]
    public void TheCliRefusesAPostgreSqlDifferentialAsTheCmdletDoes()
    {
        using var s = NewScene();
        var (code, output, error) = CliHarness.Run("backup", "--server", PostgreSqlPair.VirtualServer, "--database", PostgreSqlPair.Database, "--type", "Differential",
            "--init", "--share", s.Share, "--config", pair.ConfigurationPath, "--catalog", s.Catalog.Path);
        Assert.Equal(1, code);
        Assert.Contains($"'{PostgreSqlPair.Database}'", error);
        Assert.Contains("no native differential backup", error);
        Assert.DoesNotContain(PostgreSqlPair.VirtualServer, output);
        Assert.Empty(new BackupSetCatalog(s.Catalog).GetBackupSets());
        Assert.Empty(Directory.GetFiles(s.Share, "*", SearchOption.AllDirectories));
    }
}
