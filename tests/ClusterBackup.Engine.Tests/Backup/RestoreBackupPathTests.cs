using ClusterBackup.Engine.Backup;
using ClusterBackup.Engine.Catalog;
using ClusterBackup.Engine.Common;

namespace ClusterBackup.Engine.Tests.Backup;

/// <summary>A restore that reads the backup files from another folder (files restored from tape) instead of the share.</summary>
public sealed class RestoreBackupPathTests : IDisposable
{
    private readonly TempDirectory _dir = new("restorepath");

    public void Dispose() => _dir.Dispose();

    private static BackupSet Set(BackupType type, params BackupFile[] files) => new()
    {
        BackupSetId = Guid.NewGuid(), Cluster = "c", VirtualServer = "vs", Node = "n1", Database = "db", Engine = "PostgreSql", Type = type,
        Initialize = false, MediaSetId = "m", Started = DateTimeOffset.UtcNow, Status = BackupSetStatus.Completed, Files = files,
    };

    private string Write(string relative, int length)
    {
        var path = _dir.Combine(relative.Split('/'));
        Directory.CreateDirectory(Path.GetDirectoryName(path)!);
        File.WriteAllBytes(path, new byte[length]);
        return path;
    }

    [Fact]
    public void EachFileIsFoundByNameAndSizeUnderTheFolder()
    {
        var base1 = Write("tape/vs/db/base.tar.gz", 10);
        var wal = Write("tape/vs/db/000000010000000000000004", 16);
        var full = Set(BackupType.Full, new BackupFile("/share/vs/db/FULL/m/base.tar.gz", 10, "a"));
        var log = Set(BackupType.Log, new BackupFile("/share/vs/db/LOG/m/000000010000000000000004", 16, "b"));
        var moved = RestoreDatabaseOperation.Relocate([full, log], _dir.Combine("tape"), NullOperationReporter.Instance);
        Assert.Equal([base1], moved[0].Files.Select(f => f.Path));
        Assert.Equal([wal], moved[1].Files.Select(f => f.Path));
        Assert.Equal("b", moved[1].Files[0].Sha256);
        Assert.Equal(log.BackupSetId, moved[1].BackupSetId);
    }

    [Fact]
    public void AMissingFileIsNamed()
    {
        Write("tape/base.tar.gz", 9);
        var full = Set(BackupType.Full, new BackupFile("/share/base.tar.gz", 10, "a"));
        var error = Assert.Throws<ClusterBackupException>(() => RestoreDatabaseOperation.Relocate([full], _dir.Combine("tape"), NullOperationReporter.Instance));
        Assert.Equal(ErrorKind.ObjectNotFound, error.Kind);
        Assert.Contains("'base.tar.gz' (10 bytes)", error.Message);
    }

    [Fact]
    public void TwoCandidatesAreRefusedAndAnAbsentFolderIsNamed()
    {
        Write("tape/a/base.tar.gz", 10);
        Write("tape/b/base.tar.gz", 10);
        var full = Set(BackupType.Full, new BackupFile("/share/base.tar.gz", 10, "a"));
        var ambiguous = Assert.Throws<ClusterBackupException>(() => RestoreDatabaseOperation.Relocate([full], _dir.Combine("tape"), NullOperationReporter.Instance));
        Assert.Equal(ErrorKind.InvalidArgument, ambiguous.Kind);
        Assert.Contains("2 files named 'base.tar.gz'", ambiguous.Message);
        var absent = Assert.Throws<ClusterBackupException>(() => RestoreDatabaseOperation.Relocate([full], _dir.Combine("nosuch"), NullOperationReporter.Instance));
        Assert.Equal(ErrorKind.ObjectNotFound, absent.Kind);
    }
}
