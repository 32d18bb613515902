using System.Data;
using ClusterBackup.Engine.Catalog;
using ClusterBackup.Engine.Common;
using ClusterBackup.Engine.Databases.SqlServer;

namespace ClusterBackup.Engine.Tests.Databases.SqlServer;

/// <summary>The generated T-SQL against the documented BACKUP / RESTORE syntax: names and paths only as parameters or quoted literals.</summary>
public class SqlServerStatementsTests
{
    private const string Share = @"\\BACKUP01\sql\SQLVS1\SALES\Full";

    [Fact]
    public void FullBackupWithInitChecksumStatsAndParameters()
    {
        var s = SqlServerStatements.Backup("SALES", BackupType.Full, Share + @"\f1.bak.partial", initialize: true, checksum: true, copyOnly: false, "ClusterBackup Full f1");

        Assert.Equal("BACKUP DATABASE @database TO DISK = @path WITH INIT, CHECKSUM, STATS = 10, NAME = @name;", s.Text);
        Assert.Equal("SALES", s["@database"]);
        Assert.Equal(Share + @"\f1.bak.partial", s["@path"]);
        Assert.All(s.Parameters, p => Assert.Equal(SqlDbType.NVarChar, p.Type));
    }

    [Fact]
    public void LogBackupNoInitCopyOnlyNoChecksum()
    {
        var s = SqlServerStatements.Backup("SALES", BackupType.Log, Share + @"\l1.trn", initialize: false, checksum: false, copyOnly: true, "n");

        Assert.Equal("BACKUP LOG @database TO DISK = @path WITH NOINIT, NO_CHECKSUM, STATS = 10, COPY_ONLY, NAME = @name;", s.Text);
    }

    [Fact]
    public void DifferentialBackupIsBackupDatabaseWithDifferentialAndNeverCopyOnly()
    {
        var s = SqlServerStatements.Backup("SALES", BackupType.Differential, Share + @"\d1.bak.partial", initialize: true, checksum: true, copyOnly: false, "ClusterBackup Differential d1");

        Assert.Equal("BACKUP DATABASE @database TO DISK = @path WITH DIFFERENTIAL, INIT, CHECKSUM, STATS = 10, NAME = @name;", s.Text);
        Assert.Equal("SALES", s["@database"]);
        var copyOnly = Assert.Throws<ClusterBackupException>(() => SqlServerStatements.Backup("SALES", BackupType.Differential, Share + @"\d1.bak", false, true, copyOnly: true, "n"));
        Assert.Equal("CopyOnlyDifferential", copyOnly.ErrorId);
        Assert.Contains("SALES", copyOnly.Message);
    }

    [Fact]
    public void RestoreDifferentialHasNoMoveAndLeavesTheDatabaseRestoring() =>
        Assert.Equal("RESTORE DATABASE @database FROM DISK = @path WITH FILE = @file, NORECOVERY, STATS = 10;",
            SqlServerStatements.RestoreDifferential("SALES_copy", Share + @"\d1.bak", 1).Text);

    [Theory]
    [InlineData("O'Brien]; DROP DATABASE x; --")]
    [InlineData("Sales ]] [x]")]
    [InlineData("Ünïcødé 数据库")]
    public void HostileNamesNeverReachTheStatementText(string database)
    {
        var path = @"\\srv\share\it's here\a.bak";
        var s = SqlServerStatements.Backup(database, BackupType.Full, path, true, true, false, "n");

        Assert.DoesNotContain(database, s.Text);
        Assert.DoesNotContain("it's", s.Text);
        Assert.Equal(database, s["@database"]);
        Assert.Equal(path, s["@path"]);
    }

    [Fact]
    public void ScriptQuotesLikeQuotenameAndUnicodeLiterals()
    {
        var s = SqlServerStatements.Backup("O'Brien", BackupType.Full, @"\\srv\it's\a.bak", true, true, false, "n");

        Assert.Equal(@"BACKUP DATABASE N'O''Brien' TO DISK = N'\\srv\it''s\a.bak' WITH INIT, CHECKSUM, STATS = 10, NAME = N'n';", s.ToScript());
        Assert.Equal("[a]]b]", TSql.QuoteName("a]b"));
        Assert.Equal("[x[y]", TSql.QuoteName("x[y"));
        Assert.Equal("N'it''s'", TSql.UnicodeLiteral("it's"));
    }

    [Fact]
    public void NamesSqlServerCannotHoldAreRejected()
    {
        Assert.Throws<ClusterBackupException>(() => TSql.QuoteName(new string('a', 129)));
        Assert.Throws<ClusterBackupException>(() => TSql.QuoteName(""));
        Assert.Throws<ClusterBackupException>(() => SqlServerStatements.Backup("a\0b", BackupType.Full, "p", true, true, false, "n"));
        Assert.Throws<ClusterBackupException>(() => SqlServerStatements.Backup("a", BackupType.Full, "", true, true, false, "n"));
        Assert.Equal(128, TSql.QuoteName(new string('a', 128)).Length - 2);
    }

    [Fact]
    public void VerifyOnlyAndFileListOnly()
    {
        var verify = SqlServerStatements.VerifyOnly(@"\\s\x.bak", 1);
        Assert.Equal("RESTORE VERIFYONLY FROM DISK = @path WITH FILE = @file;", verify.Text);
        Assert.Equal(1, verify["@file"]);

        Assert.Equal("RESTORE FILELISTONLY FROM DISK = @path WITH FILE = @file;", SqlServerStatements.FileListOnly(@"\\s\x.bak", 2).Text);
        Assert.Throws<ArgumentOutOfRangeException>(() => SqlServerStatements.VerifyOnly(@"\\s\x.bak", 0));
    }

    [Fact]
    public void RestoreDatabaseMovesEveryFileWithQuotedLiterals()
    {
        BackupFileEntry[] files =
        [
            new("SALES", @"D:\Data\SALES.mdf", 'D'),
            new("SALES_log", @"L:\Log\SALES_log.ldf", 'L'),
            new("O'Data", @"D:\Data\odata.ndf", 'D'),
        ];

        var s = SqlServerStatements.RestoreDatabase("SALES_copy", @"\\s\f.bak", 1, files, @"E:\Restore", recovery: false);

        Assert.Equal(
            "RESTORE DATABASE @database FROM DISK = @path WITH FILE = @file, " +
            @"MOVE N'SALES' TO N'E:\Restore\SALES_copy_SALES.mdf', " +
            @"MOVE N'SALES_log' TO N'E:\Restore\SALES_copy_SALES_log.ldf', " +
            @"MOVE N'O''Data' TO N'E:\Restore\SALES_copy_O''Data.ndf', NORECOVERY, STATS = 10;", s.Text);
        Assert.Equal("SALES_copy", s["@database"]);
    }

    [Fact]
    public void RestoreLogWithStopAtAsParameterThenRecovery()
    {
        var at = new DateTime(2026, 11, 21, 14, 30, 5, 250);
        var s = SqlServerStatements.RestoreLog("SALES_copy", @"\\s\l.trn", 1, at);

        Assert.Equal("RESTORE LOG @database FROM DISK = @path WITH FILE = @file, NORECOVERY, STOPAT = @stopat, STATS = 10;", s.Text);
        Assert.Equal(at, s["@stopat"]);
        Assert.Contains("STOPAT = '2026-11-21T14:30:05.250'", s.ToScript());
        Assert.Equal("RESTORE LOG @database FROM DISK = @path WITH FILE = @file, NORECOVERY, STATS = 10;", SqlServerStatements.RestoreLog("x", "p", 1, null).Text);
        Assert.Equal("RESTORE DATABASE @database WITH RECOVERY;", SqlServerStatements.Recover("x").Text);
    }

    [Fact]
    public void HistoryAndStateQueriesReadTheDocumentedColumns()
    {
        var history = SqlServerStatements.BackupHistory("SALES").Text;
        Assert.Contains("bs.type IN ('D', 'I', 'L')", history);
        foreach (var column in new[] { "bs.checkpoint_lsn", "bs.differential_base_lsn", "bs.first_lsn", "bs.last_lsn", "bs.backup_start_date", "bs.backup_finish_date", "bs.time_zone", "bs.type", "bs.is_copy_only", "bmf.physical_device_name" })
            Assert.Contains(column, history);
        Assert.Contains("msdb.dbo.backupset AS bs JOIN msdb.dbo.backupmediafamily AS bmf ON bmf.media_set_id = bs.media_set_id", history);
        Assert.Contains("bs.database_name = @database", history);

        Assert.Contains("SERVERPROPERTY('ComputerNamePhysicalNetBIOS')", SqlServerStatements.ServerIdentity.Text);
        Assert.Contains("SERVERPROPERTY('IsClustered')", SqlServerStatements.ServerIdentity.Text);
        Assert.Contains("sys.dm_os_cluster_nodes", SqlServerStatements.ClusterNodes.Text);
        Assert.Contains("drs.last_log_backup_lsn", SqlServerStatements.DatabaseState("x").Text);
    }

    [Fact]
    public void MovedPathKeepsExtensionsAndFollowsTheTargetFoldersSeparator()
    {
        Assert.Equal("/var/opt/mssql/data/N_L.ldf", SqlServerStatements.MovedPath("N", new("L", @"C:\x\L.ldf", 'L'), "/var/opt/mssql/data/"));
        Assert.Equal(@"E:\R\N_F.ndf", SqlServerStatements.MovedPath("N", new("F", "noext", 'D'), @"E:\R"));
        Assert.Equal(@"E:\R\N_a_b.mdf", SqlServerStatements.MovedPath("N", new("a:b", "x.mdf", 'D'), @"E:\R"));
    }
}
