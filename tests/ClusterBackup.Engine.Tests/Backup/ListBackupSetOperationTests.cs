using ClusterBackup.Engine.Backup;
using ClusterBackup.Engine.Catalog;
using ClusterBackup.Engine.Common;

namespace ClusterBackup.Engine.Tests.Backup;

/// <summary>Listing backup sets, and only the latest of each database as -Last, -LastFull and -LastLog (--last...).</summary>
public sealed class ListBackupSetOperationTests : IDisposable
{
    private static readonly DateTimeOffset Monday = new(2026, 11, 23, 0, 0, 0, TimeSpan.Zero);
    private readonly TempDirectory _temp = new("list-sets");
    private readonly CatalogDatabase _database;
    private readonly Dictionary<string, BackupSet> _sets = [];

    public ListBackupSetOperationTests()
    {
        _database = CatalogDatabase.OpenOrCreate(_temp.Combine("catalog.db"));
        var catalog = new BackupSetCatalog(_database);
        var logMedia = new MediaSet("log-media", "PGVS", "sales", BackupType.Log, "/share/PGVS/sales/LOG/log-media", Monday, MediaSetStatus.Active);
        void Record(string name, string database, BackupType type, int hour, bool copyOnly = false)
        {
            var media = type == BackupType.Log ? logMedia with { Database = database }
                : new MediaSet($"full-{name}", "PGVS", database, BackupType.Full, $"/share/PGVS/{database}/FULL/{name}", Monday.AddHours(hour), MediaSetStatus.Active);
            var set = new BackupSet
            {
                BackupSetId = Guid.NewGuid(), Cluster = "pgclu", VirtualServer = "PGVS", Node = "node1", Database = database, Engine = "PostgreSql",
                Type = type, Initialize = type == BackupType.Full, CopyOnly = copyOnly, MediaSetId = media.MediaSetId,
                Started = Monday.AddHours(hour), Finished = Monday.AddHours(hour).AddMinutes(5), SizeBytes = 10,
                Files = [new BackupFile($"{media.SharePath}/{name}", 10, new string('a', 64))], Status = BackupSetStatus.Completed,
            };
            _sets[name] = catalog.RecordCompleted(set, media);
        }
        Record("full1", "sales", BackupType.Full, 0);
        Record("log1", "sales", BackupType.Log, 1);
        Record("full2", "sales", BackupType.Full, 2);
        Record("log2", "sales", BackupType.Log, 3);
        Record("log3", "sales", BackupType.Log, 4);
        Record("copy", "sales", BackupType.Full, 5, copyOnly: true);
        Record("hrfull", "hr", BackupType.Full, 1);
    }

    public void Dispose() => _temp.Dispose();

    /// <summary>After its full backup, hr gets a log backup, two differentials and a log backup after them.</summary>
    private void RecordHrDifferentials()
    {
        var catalog = new BackupSetCatalog(_database);
        void Record(string name, BackupType type, int hour)
        {
            var media = new MediaSet($"hr-{name}", "PGVS", "hr", type, $"/share/PGVS/hr/{type}/{name}", Monday.AddHours(hour), MediaSetStatus.Active);
            _sets[name] = catalog.RecordCompleted(new BackupSet
            {
                BackupSetId = Guid.NewGuid(), Cluster = "pgclu", VirtualServer = "PGVS", Node = "node1", Database = "hr", Engine = "SqlServer",
                Type = type, Initialize = true, MediaSetId = media.MediaSetId, Started = Monday.AddHours(hour), Finished = Monday.AddHours(hour).AddMinutes(5),
                SizeBytes = 10, Files = [new BackupFile($"{media.SharePath}/{name}", 10, new string('a', 64))], Status = BackupSetStatus.Completed,
            }, media);
        }
        Record("hrlog0", BackupType.Log, 2);
        Record("hrdiff1", BackupType.Differential, 3);
        Record("hrdiff2", BackupType.Differential, 4);
        Record("hrlog1", BackupType.Log, 5);
    }

    [Fact]
    public async Task LastDiffIsEachDatabasesLatestDifferential()
    {
        RecordHrDifferentials();
        Assert.Equal(Ids("hrdiff2"), await ListAsync(new ListBackupSetRequest(Latest: LatestBackups.Differential)));
    }

    [Fact]
    public async Task LastIsTheFullTheLatestDifferentialAndTheLogsAfterIt()
    {
        RecordHrDifferentials();
        Assert.Equal(Ids("hrfull", "full2", "log2", "log3", "hrdiff2", "hrlog1"), await ListAsync(new ListBackupSetRequest(Latest: LatestBackups.Chain)));
        Assert.Equal(Ids("hrdiff1", "hrdiff2"), await ListAsync(new ListBackupSetRequest(Type: BackupType.Differential)));
    }

    [Fact]
    public void TheCliListsTheLatestDifferentialAsTheCmdletDoes()
    {
        RecordHrDifferentials();
        var (code, output, error) = Cli.CliHarness.Run("catalog", "list", "--catalog", _database.Path, "--last-diff", "--output", "json");
        Assert.True(code == 0, error);
        Assert.Contains(_sets["hrdiff2"].BackupSetId.ToString(), output);
        foreach (var other in new[] { "hrdiff1", "hrfull", "hrlog1", "full2" })
            Assert.DoesNotContain(_sets[other].BackupSetId.ToString(), output);
        (code, _, error) = Cli.CliHarness.Run("catalog", "list", "--catalog", _database.Path, "--last-diff", "--last-log");
        Assert.Equal(2, code);
        Assert.Contains("--last-diff", error);
    }

    private async Task<IEnumerable<Guid>> ListAsync(ListBackupSetRequest request) =>
        (await new ListBackupSetOperation(_database).RunAsync(request, NullOperationReporter.Instance, CancellationToken.None)).Select(s => s.BackupSetId);

    private IEnumerable<Guid> Ids(params string[] names) => names.Select(n => _sets[n].BackupSetId);

    [Fact]
    public async Task EveryMatchingSetOldestFirst() =>
        Assert.Equal(Ids("full1", "log1", "full2", "log2", "log3", "copy"), await ListAsync(new ListBackupSetRequest("pgvs", "sales")));

    [Fact]
    public async Task LastIsEachDatabasesLatestFullAndTheLogBackupsAfterIt() =>
        Assert.Equal(Ids("hrfull", "full2", "log2", "log3"), await ListAsync(new ListBackupSetRequest("PGVS", Latest: LatestBackups.Chain)));

    [Fact]
    public async Task LastFullLeavesOutCopyOnlyBackups() =>
        Assert.Equal(Ids("hrfull", "full2"), await ListAsync(new ListBackupSetRequest(Latest: LatestBackups.Full)));

    [Fact]
    public async Task LastLogIsEachDatabasesLatestLogBackup() =>
        Assert.Equal(Ids("log3"), await ListAsync(new ListBackupSetRequest(Latest: LatestBackups.Log)));

    [Fact]
    public async Task ATypeAndALatestChoiceTogetherAreRefused()
    {
        var error = await Assert.ThrowsAsync<ClusterBackupException>(() => ListAsync(new ListBackupSetRequest(Type: BackupType.Log, Latest: LatestBackups.Chain)));
        Assert.Equal(ErrorKind.InvalidArgument, error.Kind);
    }

    [Fact]
    public void TheCliListsTheSameLatestSets()
    {
        var (code, output, error) = Cli.CliHarness.Run("catalog", "list", "--catalog", _database.Path, "--last", "--output", "json");
        Assert.True(code == 0, error);
        foreach (var id in Ids("hrfull", "full2", "log2", "log3"))
            Assert.Contains(id.ToString(), output);
        Assert.DoesNotContain(_sets["log1"].BackupSetId.ToString(), output);
        (code, _, error) = Cli.CliHarness.Run("catalog", "list", "--catalog", _database.Path, "--last", "--last-log");
        Assert.Equal(2, code);
        Assert.Contains("--last-log", error);
    }
}
