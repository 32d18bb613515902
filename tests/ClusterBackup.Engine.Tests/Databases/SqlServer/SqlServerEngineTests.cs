using ClusterBackup.Engine.Catalog;
using ClusterBackup.Engine.Common;
using ClusterBackup.Engine.Databases;
using ClusterBackup.Engine.Databases.SqlServer;

namespace ClusterBackup.Engine.Tests.Databases.SqlServer;

/// <summary>
/// The engine's sequence of statements and its handling of files, messages and errors, against a scripted stand-in
/// for SQL Server (unverified against a live SQL Server: SqlServerIntegrationTests cover that where one is configured).
/// </summary>
public class SqlServerEngineTests
{
    private sealed class Reporter : IOperationReporter
    {
        public List<int> Percents { get; } = [];
        public List<string> Verbose { get; } = [];
        public List<string> Warnings { get; } = [];
        public void Progress(string activity, string status, int percentComplete) => Percents.Add(percentComplete);
        void IOperationReporter.Verbose(string message) => Verbose.Add(message);
        public void Warning(string message) => Warnings.Add(message);
    }

    private static readonly SqlServerSettings Settings = new("SQLVS1", false, false, 15, 0, null, null, null);
    private static readonly DatabaseServer Server = new("SQLVS1", "NODE2", "SQLVS1");

    private static ScriptedSqlServer Sql(string recovery = "FULL", decimal? lastLogBackupLsn = 41000000024800001m) => new ScriptedSqlServer()
        .On("SELECT CAST(SERVERPROPERTY", _ => [SqlRow.Of(("server_name", "SQLVS1"), ("physical_node", "NODE2"), ("is_clustered", 1), ("product_version", "16.0.4135.4"), ("utc_offset_minutes", 60))])
        .On("SELECT NodeName", _ => [SqlRow.Of(("node_name", "NODE1"), ("status_description", "up"), ("is_current_owner", false)), SqlRow.Of(("node_name", "NODE2"), ("status_description", "up"), ("is_current_owner", true))])
        .On("SELECT d.name", s => (string)s["@database"]! == "SALES"
            ? [SqlRow.Of(("name", "SALES"), ("state_desc", "ONLINE"), ("recovery_model_desc", recovery), ("last_log_backup_lsn", lastLogBackupLsn))]
            : [])
        .On("BACKUP ", messages: [(3211, "50 percent processed."), (3211, "100 percent processed."), (4035, "Processed 328 pages for database 'SALES', file 'SALES' on file 1."),
                (3014, "BACKUP DATABASE successfully processed 329 pages in 0.123 seconds (20.873 MB/sec).")],
            effect: s => File.WriteAllText((string)s["@path"]!, "backup"))
        .On("SELECT bs.backup_set_id", s => [SqlRow.Of(("backup_set_id", 9L), ("database_name", "SALES"), ("type", "D"), ("is_copy_only", false), ("position", 1),
            ("backup_start_date", new DateTime(2026, 11, 21, 10, 0, 0)), ("backup_finish_date", new DateTime(2026, 11, 21, 10, 2, 0)), ("time_zone", 4),
            ("first_lsn", 41000000021600037m), ("last_lsn", 41000000024800001m), ("checkpoint_lsn", 41000000022400001m), ("database_backup_lsn", 0m), ("differential_base_lsn", null), ("has_backup_checksums", true),
            ("server_name", "SQLVS1"), ("machine_name", "SQLVS1"), ("physical_device_name", s["@path"]), ("family_sequence_number", 1))]);

    private static EngineBackupRequest Request(TempDirectory temp, BackupType type, string stem = "b1") =>
        new(Server, "SALES", type, temp.Path, stem, Initialize: type == BackupType.Full, CopyOnly: false, Checksum: true, PreviousInChain: null);

    [Fact]
    public async Task FullBackupRunsTheStatementsInOrderReportsProgressAndRenamesTheFile()
    {
        using var temp = new TempDirectory("sqlengine");
        var sql = Sql();
        var reporter = new Reporter();

        var result = await new SqlServerEngine(Settings, sql).BackupAsync(Request(temp, BackupType.Full), reporter, default);

        Assert.Equal(["SELECT d.name", "BACKUP DATABASE", "SELECT bs.backup_set_id"], sql.Statements.Select(s => s.Text[..s.Text.IndexOf(' ', s.Text.IndexOf(' ') + 1)].TrimEnd(',')));
        Assert.Equal(temp.Combine("b1.bak.partial"), sql.Statements[1]["@path"]);
        Assert.Contains("WITH INIT, CHECKSUM, STATS = 10", sql.Statements[1].Text);
        Assert.Equal([temp.Combine("b1.bak")], result.Files);
        Assert.True(File.Exists(temp.Combine("b1.bak")));
        Assert.False(File.Exists(temp.Combine("b1.bak.partial")));
        Assert.Equal(("41000000021600037", "41000000024800001"), (result.FirstLsn, result.LastLsn));
        Assert.Equal(new DateTimeOffset(2026, 11, 21, 9, 0, 0, TimeSpan.Zero), result.Started);
        Assert.Equal([50, 100], reporter.Percents);
        Assert.Contains(reporter.Verbose, v => v.StartsWith("Processed 328 pages", StringComparison.Ordinal));
    }

    [Fact]
    public async Task LogBackupOfSimpleRecoveryDatabaseIsRefusedBeforeAnythingIsWritten()
    {
        using var temp = new TempDirectory("sqlengine");
        var sql = Sql(recovery: "SIMPLE", lastLogBackupLsn: null);

        var error = await Assert.ThrowsAsync<ClusterBackupException>(() => new SqlServerEngine(Settings, sql).BackupAsync(Request(temp, BackupType.Log), new Reporter(), default));

        Assert.Contains("SIMPLE", error.Message);
        Assert.DoesNotContain(sql.Statements, s => s.Text.StartsWith("BACKUP", StringComparison.Ordinal));
        Assert.Empty(Directory.GetFiles(temp.Path));
    }

    [Fact]
    public async Task LogBackupWithoutFullBackupIsRefusedBeforeAnythingIsWritten()
    {
        using var temp = new TempDirectory("sqlengine");
        var sql = Sql(lastLogBackupLsn: null);

        var error = await Assert.ThrowsAsync<ClusterBackupException>(() => new SqlServerEngine(Settings, sql).BackupAsync(Request(temp, BackupType.Log), new Reporter(), default));

        Assert.Equal(ErrorKind.InvalidOperation, error.Kind);
        Assert.DoesNotContain(sql.Statements, s => s.Text.StartsWith("BACKUP", StringComparison.Ordinal));
    }

    [Fact]
    public async Task ServerSideRefusal4214IsTheSameClearError()
    {
        using var temp = new TempDirectory("sqlengine");
        var sql = Sql().On("BACKUP LOG", error: new SqlServerCommandException(4214, "BACKUP LOG cannot be performed because there is no current database backup."));

        var error = await Assert.ThrowsAsync<ClusterBackupException>(() => new SqlServerEngine(Settings, sql).BackupAsync(Request(temp, BackupType.Log), new Reporter(), default));

        Assert.Contains("take a full backup", error.Message);
    }

    [Fact]
    public async Task FailedBackupLeavesNoFileThatLooksComplete()
    {
        using var temp = new TempDirectory("sqlengine");
        var sql = Sql().On("BACKUP DATABASE",
            effect: s => File.WriteAllText((string)s["@path"]!, "half"),
            error: new SqlServerCommandException(3201, "Cannot open backup device. Operating system error 112 (There is not enough space on the disk.)."));

        var error = await Assert.ThrowsAsync<ClusterBackupException>(() => new SqlServerEngine(Settings, sql).BackupAsync(Request(temp, BackupType.Full), new Reporter(), default));

        Assert.Equal(ErrorKind.WriteError, error.Kind);
        Assert.Contains("not enough space", error.Message);
        Assert.Contains("SALES", error.Message);
        Assert.Empty(Directory.GetFiles(temp.Path));
    }

    [Fact]
    public async Task StalePartialFileIsRemovedFirst()
    {
        using var temp = new TempDirectory("sqlengine");
        File.WriteAllText(temp.Combine("b1.bak.partial"), "left from a crash");
        var sql = Sql().On("BACKUP ", effect: s =>
        {
            Assert.False(File.Exists((string)s["@path"]!), "the stale file must be gone before BACKUP runs");
            File.WriteAllText((string)s["@path"]!, "backup");
        });
        var reporter = new Reporter();

        await new SqlServerEngine(Settings, sql).BackupAsync(Request(temp, BackupType.Full), reporter, default);

        Assert.Contains(reporter.Warnings, w => w.Contains("interrupted", StringComparison.Ordinal));
        Assert.Equal("backup", File.ReadAllText(temp.Combine("b1.bak")));
    }

    [Fact]
    public async Task ShareMappingGivesSqlServerTheUncPath()
    {
        using var temp = new TempDirectory("sqlengine");
        var settings = Settings with { LocalShareRoot = temp.Path, UncShareRoot = @"\\BACKUP01\backup" };
        var sql = Sql().On("BACKUP ", effect: s => File.WriteAllText(temp.Combine("b1.bak.partial"), "backup"));

        await new SqlServerEngine(settings, sql).BackupAsync(Request(temp, BackupType.Full), new Reporter(), default);

        Assert.Equal(@"\\BACKUP01\backup\b1.bak.partial", sql.Statements.Single(s => s.Text.StartsWith("BACKUP", StringComparison.Ordinal))["@path"]);
        Assert.True(File.Exists(temp.Combine("b1.bak")));
    }

    [Fact]
    public async Task BackupFileMissingHereIsAClearError()
    {
        using var temp = new TempDirectory("sqlengine");
        var sql = Sql().On("BACKUP ", messages: []);

        var error = await Assert.ThrowsAsync<ClusterBackupException>(() => new SqlServerEngine(Settings, sql).BackupAsync(Request(temp, BackupType.Full), new Reporter(), default));

        Assert.Contains("uncShareRoot", error.Message);
    }

    [Fact]
    public async Task ActiveNodeComesFromServerPropertyAndIsCheckedAgainstTheCluster()
    {
        var engine = new SqlServerEngine(Settings, Sql());

        var server = await engine.FindActiveServerAsync("SQLVS1", ["node1.corp.example.com", "NODE2"], "SALES", default);
        Assert.Equal(("SQLVS1", "NODE2", "SQLVS1"), (server.VirtualServer, server.Node, server.ConnectionTarget));

        var foreign = await Assert.ThrowsAsync<ClusterBackupException>(() => engine.FindActiveServerAsync("SQLVS1", ["NODE7", "NODE8"], "SALES", default));
        Assert.Contains("NODE2", foreign.Message);

        var missing = await Assert.ThrowsAsync<ClusterBackupException>(() => engine.FindActiveServerAsync("SQLVS1", [], "NOPE", default));
        Assert.Equal(ErrorKind.ObjectNotFound, missing.Kind);
    }

    [Fact]
    public async Task FailoverInProgressIsResourceBusy()
    {
        var sql = Sql().On("SELECT NodeName", _ => [SqlRow.Of(("node_name", "NODE1"), ("status_description", "up"), ("is_current_owner", true))]);

        var error = await Assert.ThrowsAsync<ClusterBackupException>(() => new SqlServerEngine(Settings, sql).FindActiveServerAsync("SQLVS1", [], "SALES", default));

        Assert.Equal(ErrorKind.ResourceBusy, error.Kind);
    }

    private static BackupSet Set(BackupType type, DateTimeOffset started, string file) => new()
    {
        BackupSetId = Guid.NewGuid(), Cluster = "WSFC1", VirtualServer = "SQLVS1", Node = "NODE2", Database = "SALES", Engine = "SqlServer",
        Type = type, Initialize = type == BackupType.Full, MediaSetId = "m", Started = started, Finished = started.AddMinutes(1),
        Files = [new BackupFile(file, 6, new string('0', 64))],
    };

    [Fact]
    public async Task VerifyReportsEachFailingFile()
    {
        var sql = Sql()
            .On("RESTORE VERIFYONLY", messages: [(3262, "The backup set on file 1 is valid.")])
            .On("RESTORE VERIFYONLY", error: new SqlServerCommandException(3189, "Damage to the backup set was detected."));
        var t = new DateTimeOffset(2026, 11, 21, 10, 0, 0, TimeSpan.Zero);

        var result = await new SqlServerEngine(Settings, sql).VerifyAsync(Set(BackupType.Full, t, @"\\B\f.bak"), [], new Reporter(), default);

        Assert.False(result.Succeeded);
        Assert.Contains(@"\\B\f.bak", Assert.Single(result.Problems));
        Assert.Contains("Damage", result.Problems[0]);
    }

    [Fact]
    public async Task PointInTimeRestoreRunsFileListRestoreLogsStopAtAndRecovery()
    {
        var t = new DateTimeOffset(2026, 11, 21, 10, 0, 0, TimeSpan.Zero);
        BackupSet[] chain = [Set(BackupType.Full, t, @"\\B\f.bak"), Set(BackupType.Log, t.AddMinutes(15), @"\\B\l1.trn"), Set(BackupType.Log, t.AddMinutes(30), @"\\B\l2.trn")];
        var sql = Sql()
            .On("SELECT COUNT(*)", scalar: 0)
            .On("RESTORE FILELISTONLY", _ => [SqlRow.Of(("LogicalName", "SALES"), ("PhysicalName", @"D:\SALES.mdf"), ("Type", "D")), SqlRow.Of(("LogicalName", "SALES_log"), ("PhysicalName", @"L:\SALES_log.ldf"), ("Type", "L"))])
            .On("RESTORE DATABASE", messages: [(3211, "100 percent processed.")])
            .On("RESTORE LOG", messages: []);

        await new SqlServerEngine(Settings, sql).RestoreAsync(new RestoreRequest(chain, @"E:\Restore", t.AddMinutes(20), "SALES_pit"), new Reporter(), default);

        var restore = sql.Statements.SkipWhile(s => !s.Text.StartsWith("RESTORE FILELISTONLY", StringComparison.Ordinal)).ToList();
        Assert.Equal(5, restore.Count);
        Assert.Contains(@"MOVE N'SALES_log' TO N'E:\Restore\SALES_pit_SALES_log.ldf', NORECOVERY", restore[1].Text);
        // l1 ends (10:16) before the point: restored whole. l2 holds 10:20: restored with STOPAT, in the server's
        // local time (10:20 UTC is 11:20 on a server at UTC+1).
        Assert.Equal(@"\\B\l1.trn", restore[2]["@path"]);
        Assert.DoesNotContain("STOPAT", restore[2].Text);
        Assert.Equal(@"\\B\l2.trn", restore[3]["@path"]);
        Assert.Equal(new DateTime(2026, 11, 21, 11, 20, 0), restore[3]["@stopat"]);
        Assert.Equal("RESTORE DATABASE @database WITH RECOVERY;", restore[4].Text);
        Assert.All(restore.Skip(1), s => Assert.Equal("SALES_pit", s["@database"]));
    }

    [Fact]
    public async Task RestoreNeverOverwritesAndRemovesAHalfRestoredDatabase()
    {
        var t = new DateTimeOffset(2026, 11, 21, 10, 0, 0, TimeSpan.Zero);
        BackupSet[] chain = [Set(BackupType.Full, t, @"\\B\f.bak")];

        var exists = Sql().On("SELECT COUNT(*)", scalar: 1);
        var refused = await Assert.ThrowsAsync<ClusterBackupException>(() => new SqlServerEngine(Settings, exists).RestoreAsync(new RestoreRequest(chain, @"E:\R", null, "SALES"), new Reporter(), default));
        Assert.Contains("never overwrites", refused.Message);
        Assert.DoesNotContain(exists.Statements, s => s.Text.StartsWith("RESTORE", StringComparison.Ordinal));

        var failing = Sql()
            .On("SELECT COUNT(*)", scalar: 0)
            .On("RESTORE FILELISTONLY", _ => [SqlRow.Of(("LogicalName", "SALES"), ("PhysicalName", @"D:\SALES.mdf"), ("Type", "D"))])
            .On("RESTORE DATABASE", error: new SqlServerCommandException(3201, "Cannot open backup device."))
            .On("IF DB_ID", messages: []);
        var error = await Assert.ThrowsAsync<ClusterBackupException>(() => new SqlServerEngine(Settings, failing).RestoreAsync(new RestoreRequest(chain, @"E:\R", null, "SALES_copy"), new Reporter(), default));
        Assert.Equal(ErrorKind.WriteError, error.Kind);
        Assert.Equal("SALES_copy", failing.Statements[^1]["@database"]);
        Assert.Contains("QUOTENAME(@database)", failing.Statements[^1].Text);
    }

    private static RestoreRequest RestoreTest(string copy = "SALES_restoretest_1a2b3c4d") => new([], @"D:\RestoreTests\SALES", null, copy);

    [Fact]
    public async Task ARestoredCopyIsCheckedWithDbccCheckdbAndAnyMessageIsAFinding()
    {
        var clean = Sql().On("DECLARE @sql nvarchar(400) = N'DBCC CHECKDB");
        var result = await new SqlServerEngine(Settings, clean).CheckRestoredCopyAsync(RestoreTest(), "SALES", new Reporter(), default);
        Assert.True(result.Succeeded);
        var check = clean.Statements.Single();
        Assert.Equal("SALES_restoretest_1a2b3c4d", check["@database"]);
        Assert.Contains("QUOTENAME(@database) + N') WITH NO_INFOMSGS, ALL_ERRORMSGS'", check.Text);

        var corrupt = Sql().On("DECLARE @sql nvarchar(400) = N'DBCC CHECKDB", messages: [(8928, "Object ID 2105058535, index ID 0: Page (1:94299) could not be processed.")]);
        result = await new SqlServerEngine(Settings, corrupt).CheckRestoredCopyAsync(RestoreTest(), "SALES", new Reporter(), default);
        Assert.False(result.Succeeded);
        Assert.Contains("Msg 8928", Assert.Single(result.Problems));
    }

    [Fact]
    public async Task ARestoredCopyIsDroppedAndTheDropIsChecked()
    {
        var sql = Sql().On("IF DB_ID(@database) IS NOT NULL BEGIN DECLARE @sql nvarchar(600)").On("SELECT COUNT(*) FROM sys.databases", scalar: 0);
        Assert.True(await new SqlServerEngine(Settings, sql).RemoveRestoredCopyAsync(RestoreTest(), default));
        Assert.Contains("SET SINGLE_USER WITH ROLLBACK IMMEDIATE; DROP DATABASE", sql.Statements[0].Text);
        Assert.Equal("SALES_restoretest_1a2b3c4d", sql.Statements[0]["@database"]);

        var stuck = Sql().On("IF DB_ID(@database) IS NOT NULL BEGIN DECLARE @sql nvarchar(600)").On("SELECT COUNT(*) FROM sys.databases", scalar: 1);
        Assert.False(await new SqlServerEngine(Settings, stuck).RemoveRestoredCopyAsync(RestoreTest(), default));
    }

    private static SqlRow DifferentialHistory(string device, decimal differentialBase) =>
        SqlRow.Of(("backup_set_id", 12L), ("database_name", "SALES"), ("type", "I"), ("is_copy_only", false), ("position", 1),
            ("backup_start_date", new DateTime(2026, 11, 21, 22, 0, 0)), ("backup_finish_date", new DateTime(2026, 11, 21, 22, 1, 0)), ("time_zone", 4),
            ("first_lsn", 41000000031200001m), ("last_lsn", 41000000033600001m), ("checkpoint_lsn", 41000000032000001m),
            ("database_backup_lsn", differentialBase), ("differential_base_lsn", differentialBase), ("has_backup_checksums", true),
            ("server_name", "SQLVS1"), ("machine_name", "SQLVS1"), ("physical_device_name", device), ("family_sequence_number", 1));

    private static EngineBackupRequest DifferentialRequest(TempDirectory temp, string? fullCheckpointLsn) =>
        Request(temp, BackupType.Differential, "d1") with
        {
            PreviousInChain = Set(BackupType.Full, new DateTimeOffset(2026, 11, 21, 9, 0, 0, TimeSpan.Zero), @"\\B\f.bak") with { CheckpointLsn = fullCheckpointLsn },
        };

    [Fact]
    public async Task DifferentialBackupIsBackupDatabaseWithDifferentialAndRecordsItsBaseLsn()
    {
        using var temp = new TempDirectory("sqlengine");
        var sql = Sql().On("SELECT bs.backup_set_id", s => [DifferentialHistory((string)s["@path"]!, 41000000022400001m)]);
        var reporter = new Reporter();

        var result = await new SqlServerEngine(Settings, sql).BackupAsync(DifferentialRequest(temp, "41000000022400001"), reporter, default);

        var backup = Assert.Single(sql.Statements, s => s.Text.StartsWith("BACKUP", StringComparison.Ordinal));
        Assert.Equal("BACKUP DATABASE @database TO DISK = @path WITH DIFFERENTIAL, NOINIT, CHECKSUM, STATS = 10, NAME = @name;", backup.Text);
        Assert.Equal(temp.Combine("d1.bak.partial"), backup["@path"]);
        Assert.Equal("ClusterBackup Differential d1", backup["@name"]);
        Assert.Equal([temp.Combine("d1.bak")], result.Files);
        Assert.Equal("41000000022400001", result.DifferentialBaseLsn);
        Assert.Null(result.CheckpointLsn);
        Assert.Equal(("41000000031200001", "41000000033600001"), (result.FirstLsn, result.LastLsn));
        Assert.Empty(reporter.Warnings);
    }

    [Fact]
    public async Task FullBackupRecordsTheCheckpointLsnItsDifferentialsName()
    {
        using var temp = new TempDirectory("sqlengine");

        var result = await new SqlServerEngine(Settings, Sql()).BackupAsync(Request(temp, BackupType.Full), new Reporter(), default);

        Assert.Equal("41000000022400001", result.CheckpointLsn);
        Assert.Null(result.DifferentialBaseLsn);
    }

    [Fact]
    public async Task ADifferentialBasedOnAFullTheCatalogDoesNotHoldIsWarnedAbout()
    {
        using var temp = new TempDirectory("sqlengine");
        var sql = Sql().On("SELECT bs.backup_set_id", s => [DifferentialHistory((string)s["@path"]!, 41000000029900001m)]);
        var reporter = new Reporter();

        var result = await new SqlServerEngine(Settings, sql).BackupAsync(DifferentialRequest(temp, "41000000022400001"), reporter, default);

        Assert.Equal("41000000029900001", result.DifferentialBaseLsn);
        var warning = Assert.Single(reporter.Warnings);
        Assert.Contains("outside ClusterBackup", warning);
        Assert.Contains("41000000029900001", warning);
    }

    [Fact]
    public async Task ServerSideRefusal3035IsDifferentialBackupWithoutFullAndLeavesNoFile()
    {
        using var temp = new TempDirectory("sqlengine");
        var sql = Sql().On("BACKUP DATABASE", effect: s => File.WriteAllText((string)s["@path"]!, "half"),
            error: new SqlServerCommandException(3035, "Cannot perform a differential backup for database \"SALES\", because a current database backup does not exist."));

        var error = await Assert.ThrowsAsync<ClusterBackupException>(() => new SqlServerEngine(Settings, sql).BackupAsync(DifferentialRequest(temp, null), new Reporter(), default));

        Assert.Equal("DifferentialBackupWithoutFull", error.ErrorId);
        Assert.Equal(ErrorKind.InvalidOperation, error.Kind);
        Assert.Equal("SALES", error.Target);
        Assert.Contains("take a full backup before a differential", error.Message);
        Assert.Empty(Directory.GetFiles(temp.Path));
    }

    [Fact]
    public async Task RestoreAppliesTheFullThenTheDifferentialThenTheLogsWithStopAt()
    {
        var t = new DateTimeOffset(2026, 11, 21, 10, 0, 0, TimeSpan.Zero);
        BackupSet[] chain =
        [
            Set(BackupType.Full, t, @"\\B\f.bak") with { CheckpointLsn = "100" },
            Set(BackupType.Differential, t.AddMinutes(60), @"\\B\d.bak") with { DifferentialBaseLsn = "100" },
            Set(BackupType.Log, t.AddMinutes(75), @"\\B\l1.trn"),
            Set(BackupType.Log, t.AddMinutes(90), @"\\B\l2.trn"),
        ];
        var sql = Sql()
            .On("SELECT COUNT(*)", scalar: 0)
            .On("RESTORE FILELISTONLY", _ => [SqlRow.Of(("LogicalName", "SALES"), ("PhysicalName", @"D:\SALES.mdf"), ("Type", "D")), SqlRow.Of(("LogicalName", "SALES_log"), ("PhysicalName", @"L:\SALES_log.ldf"), ("Type", "L"))])
            .On("RESTORE DATABASE", messages: [(3211, "100 percent processed.")])
            .On("RESTORE LOG", messages: []);

        await new SqlServerEngine(Settings, sql).RestoreAsync(new RestoreRequest(chain, @"E:\Restore", t.AddMinutes(80), "SALES_pit"), new Reporter(), default);

        var restore = sql.Statements.SkipWhile(s => !s.Text.StartsWith("RESTORE FILELISTONLY", StringComparison.Ordinal)).ToList();
        Assert.Equal(@"\\B\f.bak", restore[0]["@path"]);
        Assert.Equal(6, restore.Count);
        Assert.Contains("MOVE N'SALES_log'", restore[1].Text);
        Assert.EndsWith(", NORECOVERY, STATS = 10;", restore[1].Text);
        // The differential: no MOVE (the full's restore placed the files), NORECOVERY so the logs can follow.
        Assert.Equal("RESTORE DATABASE @database FROM DISK = @path WITH FILE = @file, NORECOVERY, STATS = 10;", restore[2].Text);
        Assert.Equal(@"\\B\d.bak", restore[2]["@path"]);
        // l1 ends (11:16) before the point: restored whole. l2 holds 11:20 UTC: STOPAT 12:20 on the server at UTC+1.
        Assert.Equal(@"\\B\l1.trn", restore[3]["@path"]);
        Assert.DoesNotContain("STOPAT", restore[3].Text);
        Assert.Equal(@"\\B\l2.trn", restore[4]["@path"]);
        Assert.Equal(new DateTime(2026, 11, 21, 12, 20, 0), restore[4]["@stopat"]);
        Assert.Equal("RESTORE DATABASE @database WITH RECOVERY;", restore[5].Text);
        Assert.All(restore.Skip(1), s => Assert.Equal("SALES_pit", s["@database"]));
    }
}
