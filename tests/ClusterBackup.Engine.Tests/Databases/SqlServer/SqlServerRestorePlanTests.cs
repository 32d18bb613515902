using ClusterBackup.Engine.Catalog;
using ClusterBackup.Engine.Common;
using ClusterBackup.Engine.Databases.SqlServer;

namespace ClusterBackup.Engine.Tests.Databases.SqlServer;

public class SqlServerRestorePlanTests
{
    private static readonly DateTimeOffset T0 = new(2026, 11, 21, 10, 0, 0, TimeSpan.Zero);

    private static BackupSet Set(BackupType type, int minutes, int durationMinutes, string file) => new()
    {
        BackupSetId = Guid.NewGuid(), Cluster = "WSFC1", VirtualServer = "SQLVS1", Node = "NODE1", Database = "SALES", Engine = "SqlServer",
        Type = type, Initialize = type == BackupType.Full, MediaSetId = Guid.NewGuid().ToString("N"),
        Started = T0.AddMinutes(minutes), Finished = T0.AddMinutes(minutes + durationMinutes),
        Files = [new BackupFile(file, 1, new string('0', 64))],
    };

    private static readonly IReadOnlyList<BackupSet> Chain =
    [
        Set(BackupType.Full, 0, 5, "f.bak"),
        Set(BackupType.Log, 15, 1, "l1.trn"),
        Set(BackupType.Log, 30, 1, "l2.trn"),
        Set(BackupType.Log, 45, 1, "l3.trn"),
    ];

    [Fact]
    public void WithoutPointInTimeEverythingIsRestored()
    {
        var steps = SqlServerRestorePlan.Build(Chain, null, TimeSpan.Zero);

        Assert.Equal(["f.bak", "l1.trn", "l2.trn", "l3.trn"], steps.Select(s => s.File));
        Assert.All(steps, s => Assert.Null(s.StopAt));
    }

    [Fact]
    public void StopsAtTheFirstLogThatReachesThePointInServerLocalTime()
    {
        var point = T0.AddMinutes(20);
        var steps = SqlServerRestorePlan.Build(Chain, point, TimeSpan.FromHours(1));

        Assert.Equal(["f.bak", "l1.trn", "l2.trn"], steps.Select(s => s.File));
        Assert.Null(steps[1].StopAt);
        Assert.Equal(new DateTime(2026, 11, 21, 11, 20, 0), steps[2].StopAt);
    }

    [Fact]
    public void PointBeforeTheFullBackupEndedOrAfterTheChainIsRefused()
    {
        Assert.Contains("before the full backup",
            Assert.Throws<ClusterBackupException>(() => SqlServerRestorePlan.Build(Chain, T0.AddMinutes(2), TimeSpan.Zero)).Message);
        Assert.Contains("ends at",
            Assert.Throws<ClusterBackupException>(() => SqlServerRestorePlan.Build(Chain, T0.AddHours(5), TimeSpan.Zero)).Message);
    }

    [Fact]
    public void ChainMustStartWithOneFullBackup()
    {
        Assert.Throws<ClusterBackupException>(() => SqlServerRestorePlan.Build(Chain.Skip(1).ToList(), null, TimeSpan.Zero));
        Assert.Throws<ClusterBackupException>(() => SqlServerRestorePlan.Build([Chain[0], Chain[0]], null, TimeSpan.Zero));
        Assert.Throws<ClusterBackupException>(() => SqlServerRestorePlan.Build([], null, TimeSpan.Zero));
    }

    private static readonly IReadOnlyList<BackupSet> DifferentialChain =
    [
        Chain[0] with { CheckpointLsn = "100" },
        Set(BackupType.Differential, 20, 2, "d.bak") with { DifferentialBaseLsn = "100" },
        Set(BackupType.Log, 30, 1, "l2.trn"),
        Set(BackupType.Log, 45, 1, "l3.trn"),
    ];

    [Fact]
    public void TheDifferentialFollowsTheFullAndTheLogsFollowIt()
    {
        var steps = SqlServerRestorePlan.Build(DifferentialChain, null, TimeSpan.Zero);

        Assert.Equal(["f.bak", "d.bak", "l2.trn", "l3.trn"], steps.Select(s => s.File));
        Assert.Equal(BackupType.Differential, steps[1].BackupSet.Type);
        Assert.All(steps, s => Assert.Null(s.StopAt));

        var pointInTime = SqlServerRestorePlan.Build(DifferentialChain, T0.AddMinutes(40), TimeSpan.Zero);
        Assert.Equal(["f.bak", "d.bak", "l2.trn", "l3.trn"], pointInTime.Select(s => s.File));
        Assert.Null(pointInTime[1].StopAt);
        Assert.Equal(new DateTime(2026, 11, 21, 10, 40, 0), pointInTime[3].StopAt);
    }

    [Fact]
    public void APointBeforeTheDifferentialEndedIsRefused() =>
        Assert.Contains("before the differential backup",
            Assert.Throws<ClusterBackupException>(() => SqlServerRestorePlan.Build(DifferentialChain, T0.AddMinutes(21), TimeSpan.Zero)).Message);

    [Fact]
    public void ADifferentialBasedOnAnotherFullIsRefused()
    {
        var error = Assert.Throws<ClusterBackupException>(() =>
            SqlServerRestorePlan.Build([DifferentialChain[0], DifferentialChain[1] with { DifferentialBaseLsn = "99" }], null, TimeSpan.Zero));

        Assert.Equal("DifferentialBaseMismatch", error.ErrorId);
        Assert.Contains("99", error.Message);
    }

    [Fact]
    public void OneDifferentialAtMostAndOnlyRightAfterTheFull()
    {
        Assert.Throws<ClusterBackupException>(() => SqlServerRestorePlan.Build([.. DifferentialChain, DifferentialChain[1]], null, TimeSpan.Zero));
        Assert.Throws<ClusterBackupException>(() => SqlServerRestorePlan.Build([Chain[0], Chain[1], DifferentialChain[1]], null, TimeSpan.Zero));
    }
}
