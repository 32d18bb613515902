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

    private BackupSet Record(BackupType type, int minutes, bool copyOnly = false, string? checkpointLsn = null, string? differentialBaseLsn = null, string? lastLsn = null)
    {
        var set = new BackupSet
        {
            BackupSetId = Guid.NewGuid(), Cluster = "c", VirtualServer = "vs", Node = "n1", Database = "db", Engine = "PostgreSql", Type = type,
            Initialize = false, CopyOnly = copyOnly, MediaSetId = "m-" + type, Started = T0.AddMinutes(minutes), Finished = T0.AddMinutes(minutes + 1),
            Status = BackupSetStatus.Completed, Files = [new BackupFile(_dir.Combine(Guid.NewGuid().ToString()), 1, new string('0', 64))],
            CheckpointLsn = checkpointLsn, DifferentialBaseLsn = differentialBaseLsn, LastLsn = lastLsn,
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

    private IEnumerable<Guid> Chain(DateTimeOffset? pointInTime = null) =>
        new RestoreDatabaseOperation(_catalog, null, ProviderRegistry.Default).SelectChain(new("vs", "db", "/x", pointInTime)).Select(s => s.BackupSetId);

    [Fact]
    public void AFullThenTheLatestDifferentialThenTheLogsAfterIt()
    {
        var full = Record(BackupType.Full, 0, checkpointLsn: "100");
        var log1 = Record(BackupType.Log, 10);
        Record(BackupType.Differential, 20, differentialBaseLsn: "100");
        var log2 = Record(BackupType.Log, 30);
        var diff2 = Record(BackupType.Differential, 40, differentialBaseLsn: "100");
        var log3 = Record(BackupType.Log, 50);
        var log4 = Record(BackupType.Log, 60);

        Assert.Equal([full.BackupSetId, diff2.BackupSetId, log3.BackupSetId, log4.BackupSetId], Chain());
        // The point is before the second differential ended: the first one, then the logs after it.
        var first = Chain(T0.AddMinutes(35)).ToList();
        Assert.Equal(4, first.Count);
        Assert.Equal(BackupType.Differential, new BackupSetCatalog(_catalog).GetBackupSets(new BackupSetQuery(BackupSetId: first[1])).Single().Type);
        Assert.Equal([log2.BackupSetId], first.Skip(2).Take(1));
        // Before any differential ended: the full and its logs, up to the first that reaches the point.
        Assert.Equal([full.BackupSetId, log1.BackupSetId, log2.BackupSetId], Chain(T0.AddMinutes(15)));
    }

    [Fact]
    public void ADifferentialIsBasedOnTheLatestFullThatIsNotCopyOnly()
    {
        var full = Record(BackupType.Full, 0);
        Record(BackupType.Full, 10, copyOnly: true);
        var diff = Record(BackupType.Differential, 20);
        var log = Record(BackupType.Log, 30);
        Assert.Equal([full.BackupSetId, diff.BackupSetId, log.BackupSetId], Chain());

        // A newer full starts a new base: the older differential is not applied over it.
        var full2 = Record(BackupType.Full, 40);
        var log2 = Record(BackupType.Log, 50);
        Assert.Equal([full2.BackupSetId, log2.BackupSetId], Chain());
    }

    [Fact]
    public void ADifferentialWhoseBaseLsnIsAnotherFullIsNotApplied()
    {
        var full = Record(BackupType.Full, 0, checkpointLsn: "100");
        Record(BackupType.Differential, 20, differentialBaseLsn: "150");
        var log = Record(BackupType.Log, 30);

        Assert.Equal([full.BackupSetId, log.BackupSetId], Chain());
    }

    [Fact]
    public void ALogThatEndedWithinTheDifferentialIsTooEarlyToApplyAfterIt()
    {
        var full = Record(BackupType.Full, 0, checkpointLsn: "100", lastLsn: "120");
        var diff = Record(BackupType.Differential, 20, differentialBaseLsn: "100", lastLsn: "500");
        Record(BackupType.Log, 21, lastLsn: "480");
        var log = Record(BackupType.Log, 30, lastLsn: "600");

        Assert.Equal([full.BackupSetId, diff.BackupSetId, log.BackupSetId], Chain());
    }

    [Fact]
    public void ADifferentialOrALogNeedsAFullBackupBeforeIt()
    {
        Assert.Null(BackupChain.PreviousFor([], BackupType.Differential, newLogChain: false));
        var full = Record(BackupType.Full, 0);
        var log = Record(BackupType.Log, 10);
        var diff = Record(BackupType.Differential, 20);
        var chain = BackupChain.ChainSets(new BackupSetCatalog(_catalog), "vs", "db");
        Assert.Equal(full.BackupSetId, BackupChain.PreviousFor(chain, BackupType.Differential, newLogChain: false)?.BackupSetId);
        Assert.Equal(log.BackupSetId, BackupChain.PreviousFor(chain, BackupType.Log, newLogChain: false)?.BackupSetId);
        Assert.Equal([full.BackupSetId, diff.BackupSetId], BackupChain.ChainUpTo(chain, chain[^1]).Select(s => s.BackupSetId));
    }
}
