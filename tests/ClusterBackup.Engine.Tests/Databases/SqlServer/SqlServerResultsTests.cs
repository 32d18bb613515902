using ClusterBackup.Engine.Catalog;
using ClusterBackup.Engine.Common;
using ClusterBackup.Engine.Databases.SqlServer;

namespace ClusterBackup.Engine.Tests.Databases.SqlServer;

/// <summary>Parsing of SQL Server's answers, on rows shaped as the T-SQL reference documents them.</summary>
public class SqlServerResultsTests
{
    [Theory]
    [InlineData(3211, "10 percent processed.", 10)]
    [InlineData(3211, "100 percent processed.", 100)]
    [InlineData(0, "60 percent processed.", 60)]
    [InlineData(4035, "Processed 328 pages for database 'SALES', file 'SALES' on file 1.", null)]
    [InlineData(3014, "BACKUP DATABASE successfully processed 329 pages in 0.123 seconds (20.873 MB/sec).", null)]
    [InlineData(3262, "The backup set on file 1 is valid.", null)]
    public void StatsMessagesBecomePercentages(int number, string message, int? expected) =>
        Assert.Equal(expected, SqlServerResults.ParsePercent(number, message));

    [Fact]
    public void IdentityOfAClusteredInstance()
    {
        var identity = SqlServerResults.ParseIdentity(
            [SqlRow.Of(("server_name", @"SQLVS1\PROD"), ("physical_node", "NODE2"), ("is_clustered", 1), ("product_version", "16.0.4135.4"), ("utc_offset_minutes", 60))], "SQLVS1");

        Assert.Equal("NODE2", identity.PhysicalNode);
        Assert.True(identity.IsClustered);
        Assert.Equal(TimeSpan.FromHours(1), identity.UtcOffset);
    }

    [Fact]
    public void IdentityWithoutPhysicalNodeIsInvalidData()
    {
        var error = Assert.Throws<ClusterBackupException>(() => SqlServerResults.ParseIdentity([SqlRow.Of(("server_name", "X"), ("physical_node", null), ("is_clustered", 0), ("product_version", "16"), ("utc_offset_minutes", 0))], "SQLVS1"));
        Assert.Equal(ErrorKind.InvalidData, error.Kind);
    }

    [Fact]
    public void ClusterNodesWithOwner()
    {
        var nodes = SqlServerResults.ParseClusterNodes(
        [
            SqlRow.Of(("node_name", "NODE1"), ("status_description", "up"), ("is_current_owner", false)),
            SqlRow.Of(("node_name", "NODE2"), ("status_description", "up"), ("is_current_owner", true)),
        ]);

        Assert.Equal("NODE2", Assert.Single(nodes, n => n.IsCurrentOwner).NodeName);
    }

    private static SqlServerDatabaseState State(string recovery, decimal? lastLogBackupLsn, string state = "ONLINE") =>
        SqlServerResults.ParseDatabaseState([SqlRow.Of(("name", "SALES"), ("state_desc", state), ("recovery_model_desc", recovery), ("last_log_backup_lsn", lastLogBackupLsn))], "SALES", "SQLVS1");

    [Fact]
    public void LogBackupOfSimpleRecoveryDatabaseIsRefusedClearly()
    {
        var error = Assert.Throws<ClusterBackupException>(() => SqlServerResults.CheckBackupAllowed(State("SIMPLE", null), BackupType.Log, "SQLVS1"));

        Assert.Equal(ErrorKind.InvalidOperation, error.Kind);
        Assert.Equal("SALES", error.Target);
        Assert.Contains("SIMPLE", error.Message);
        Assert.Contains("SQLVS1", error.Message);
    }

    [Fact]
    public void LogBackupWithoutAFullBackupIsRefusedClearly()
    {
        var error = Assert.Throws<ClusterBackupException>(() => SqlServerResults.CheckBackupAllowed(State("FULL", null), BackupType.Log, "SQLVS1"));

        Assert.Equal(ErrorKind.InvalidOperation, error.Kind);
        Assert.Contains("no full backup", error.Message);
    }

    [Fact]
    public void AllowedBackups()
    {
        SqlServerResults.CheckBackupAllowed(State("SIMPLE", null), BackupType.Full, "SQLVS1");
        SqlServerResults.CheckBackupAllowed(State("FULL", 42000000012300001m), BackupType.Log, "SQLVS1");
        SqlServerResults.CheckBackupAllowed(State("BULK_LOGGED", 42000000012300001m), BackupType.Log, "SQLVS1");
        Assert.Equal("42000000012300001", State("FULL", 42000000012300001m).LastLogBackupLsn);
    }

    [Fact]
    public void OfflineOrMissingDatabase()
    {
        Assert.Equal(ErrorKind.ResourceUnavailable,
            Assert.Throws<ClusterBackupException>(() => SqlServerResults.CheckBackupAllowed(State("FULL", 1m, "RESTORING"), BackupType.Full, "S")).Kind);
        var missing = Assert.Throws<ClusterBackupException>(() => SqlServerResults.ParseDatabaseState([], "NOPE", "SQLVS1"));
        Assert.Equal(ErrorKind.ObjectNotFound, missing.Kind);
        Assert.Contains("NOPE", missing.Message);
    }

    private static SqlRow History(long id, string type, DateTime start, DateTime finish, short zone, decimal first, decimal last, string device, int family = 1) =>
        SqlRow.Of(("backup_set_id", id), ("database_name", "SALES"), ("type", type), ("is_copy_only", false), ("position", 1),
            ("backup_start_date", start), ("backup_finish_date", finish), ("time_zone", zone),
            ("first_lsn", first), ("last_lsn", last), ("checkpoint_lsn", first), ("database_backup_lsn", 0m), ("differential_base_lsn", type == "I" ? 41000000021600037m : null), ("has_backup_checksums", true),
            ("server_name", "SQLVS1"), ("machine_name", "SQLVS1"), ("physical_device_name", device), ("family_sequence_number", family));

    [Fact]
    public void HistoryRowsBecomeBackupSetsWithUtcTimesAndLsns()
    {
        var start = new DateTime(2026, 11, 21, 10, 0, 0);
        var rows = new[]
        {
            History(7, "D", start, start.AddMinutes(2), 4, 41000000021600037m, 41000000024800001m, @"\\B\s\f.bak"),
            History(8, "I", start.AddHours(1), start.AddHours(1).AddMinutes(1), 4, 1m, 2m, @"\\B\s\d.bak"),
            History(9, "L", start.AddHours(2), start.AddHours(2).AddSeconds(5), 127, 41000000024800001m, 41000000026400001m, @"\\B\s\l1.trn"),
            History(10, "D", start.AddHours(3), start.AddHours(3).AddMinutes(2), 4, 5m, 6m, @"\\B\s\f2a.bak", family: 2),
            History(10, "D", start.AddHours(3), start.AddHours(3).AddMinutes(2), 4, 5m, 6m, @"\\B\s\f2b.bak", family: 1),
        };

        var entries = SqlServerResults.ParseHistory(rows, fallbackOffset: TimeSpan.FromHours(2));
        var records = SqlServerResults.ToRecords(entries);

        Assert.Equal(4, entries.Count);
        Assert.Equal(4, records.Count);
        // The differential (I) names the full it is based on: the full's checkpoint LSN.
        Assert.Equal(BackupType.Differential, records[1].Type);
        Assert.Equal(entries[0].CheckpointLsn, entries[1].DifferentialBaseLsn);
        Assert.Null(entries[0].DifferentialBaseLsn);
        records = [records[0], .. records.Skip(2)];
        // time_zone 4 = four 15-minute intervals = UTC+1: 10:00 local is 09:00 UTC.
        Assert.Equal(new DateTimeOffset(2026, 11, 21, 9, 0, 0, TimeSpan.Zero), records[0].Started.ToUniversalTime());
        Assert.Equal("41000000021600037", records[0].FirstLsn);
        Assert.Equal("41000000024800001", records[0].LastLsn);
        Assert.Equal(BackupType.Log, records[1].Type);
        // time_zone 127 = unknown: the server's current offset stands in.
        Assert.Equal(TimeSpan.FromHours(2), records[1].Started.Offset);
        Assert.Equal(records[0].LastLsn, records[1].FirstLsn);
        Assert.Equal([@"\\B\s\f2b.bak", @"\\B\s\f2a.bak"], records[2].Files);
    }

    [Fact]
    public void FileListOnlyRows()
    {
        var files = SqlServerResults.ParseFileList(
        [
            SqlRow.Of(("LogicalName", "SALES"), ("PhysicalName", @"D:\Data\SALES.mdf"), ("Type", "D"), ("FileGroupName", "PRIMARY")),
            SqlRow.Of(("LogicalName", "SALES_log"), ("PhysicalName", @"L:\SALES_log.ldf"), ("Type", "L"), ("FileGroupName", null)),
        ]);

        Assert.Equal(['D', 'L'], files.Select(f => f.Type));
        Assert.Equal("SALES_log", files[1].LogicalName);
    }

    [Fact]
    public void MissingColumnIsInvalidData() =>
        Assert.Equal(ErrorKind.InvalidData, Assert.Throws<ClusterBackupException>(() => SqlRow.Of(("a", 1)).String("b")).Kind);
}
