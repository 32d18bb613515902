using ClusterBackup.Engine.Backup;
using ClusterBackup.Engine.Catalog;
using ClusterBackup.Engine.Configuration;
using ClusterBackup.Engine.Common;

namespace ClusterBackup.Engine.Tests.Backup;

/// <summary>Which backups a restore uses, from the catalog alone.</summary>
public sealed class RestoreChainSelectionTests : IDisposable
{
    private readonly TempDirectory _dir = new("restorechain");
    private readonly CatalogDatabase _catalog;
    private static readonly DateTimeOffset T0 = new(2026, 11, 21, 8, 0, 0, TimeSpan.Zero);

    public RestoreChainSelectionTests() => _catalog = CatalogDatabase.OpenOrCreate(_dir.Combine("catalog.db"));

    public void Dispose() => _dir.Dispose();

    private BackupSet Record(BackupType type, int minutes, bool copyOnly = false)
    {
        var set = new BackupSet
        {
            BackupSetId = Guid.NewGuid(), Cluster = "c", VirtualServer = "vs", Node = "n1", Database = "db", Engine = "PostgreSql", Type = type,
            Initialize = false, CopyOnly = copyOnly, MediaSetId = "m-" + type, Started = T0.AddMinutes(minutes), Finished = T0.AddMinutes(minutes + 1),
            Status = BackupSetStatus.Completed, Files = [new BackupFile(_dir.Combine(Guid.NewGuid().ToString()), 1, new string('0', 64))],
        };
        return new BackupSetCatalog(_catalog).RecordCompleted(set, new MediaSet("m-" + type, "vs", "db", type, _dir.Path, T0, MediaSetStatus.Active));
    }

    [Fact]
    public void PicksTheLatestFullBeforeThePointAndTheLogsUpToIt()
    {
        var full1 = Record(BackupType.Full, 0);
        var log1 = Record(BackupType.Log, 10);
        var full2 = Record(BackupType.Full, 20);
        var log2 = Record(BackupType.Log, 30);
        var log3 = Record(BackupType.Log, 40);
        Record(BackupType.Log, 50);
        Record(BackupType.Full, 55, copyOnly: true);
        var operation = new RestoreDatabaseOperation(_catalog, null, ProviderRegistry.Default);
        Assert.Equal([full1.BackupSetId, log1.BackupSetId], operation.SelectChain(new("vs", "db", "/x", T0.AddMinutes(5))).Select(s => s.BackupSetId));
        Assert.Equal([full2.BackupSetId, log2.BackupSetId, log3.BackupSetId], operation.SelectChain(new("vs", "db", "/x", T0.AddMinutes(35))).Select(s => s.BackupSetId));
        Assert.Equal(4, operation.SelectChain(new("vs", "db", "/x")).Count);
    }

    [Fact]
    public void APointNoBackupReachesIsRefused()
    {
        Record(BackupType.Full, 0);
        Record(BackupType.Log, 10);
        var operation = new RestoreDatabaseOperation(_catalog, null, ProviderRegistry.Default);
        var before = Assert.Throws<ClusterBackupException>(() => operation.SelectChain(new("vs", "db", "/x", T0.AddSeconds(-1))));
        Assert.Equal(ErrorKind.ObjectNotFound, before.Kind);
        var after = Assert.Throws<ClusterBackupException>(() => operation.SelectChain(new("vs", "db", "/x", T0.AddHours(5))));
        Assert.Contains("No log backup", after.Message);
        Assert.Throws<ClusterBackupException>(() => operation.SelectChain(new("vs", "otherdb", "/x")));
    }
}
