using ClusterBackup.Engine.Backup;
using ClusterBackup.Engine.Catalog;

namespace ClusterBackup.Engine.Tests.Backup;

/// <summary>Where backups land on the share and which backup a new one follows.</summary>
public class ShareLayoutTests
{
    [Fact]
    public void ShareLayoutUsesTheVirtualServerName()
    {
        Assert.Equal(Path.Combine("/share", "SQLVS1", "SALES", "LOG"), ShareLayout.DatabaseFolder("/share", "SQLVS1", "SALES", BackupType.Log));
        Assert.Equal("SQL_VS1_a_b", ShareLayout.SafeName("SQL\\VS1:a/b"));
    }

    [Fact]
    public void LogBackupsFollowThePreviousLogUnlessANewChainIsAsked()
    {
        BackupSet Set(BackupType type, int minute) => new()
        {
            BackupSetId = Guid.NewGuid(), Cluster = "c", VirtualServer = "vs", Node = "n", Database = "d", Engine = "PostgreSql", Type = type,
            Initialize = false, MediaSetId = "m", Started = DateTimeOffset.UnixEpoch.AddMinutes(minute),
        };
        var full1 = Set(BackupType.Full, 1);
        var log1 = Set(BackupType.Log, 2);
        var full2 = Set(BackupType.Full, 3);
        Assert.Null(BackupChain.PreviousFor([], BackupType.Log, false));
        Assert.Same(full1, BackupChain.PreviousFor([full1], BackupType.Log, false));
        Assert.Same(log1, BackupChain.PreviousFor([full1, log1, full2], BackupType.Log, false));
        Assert.Same(full2, BackupChain.PreviousFor([full1, log1, full2], BackupType.Log, true));
        Assert.Equal([full2], BackupChain.ChainUpTo([full1, log1, full2], full2));
    }
}
