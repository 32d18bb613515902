using ClusterBackup.Engine.Catalog;
using ClusterBackup.Engine.Common;
using ClusterBackup.Engine.Databases;
using ClusterBackup.Engine.Databases.SqlServer;
using Microsoft.Data.SqlClient;

namespace ClusterBackup.Engine.Tests.Databases.SqlServer;

/// <summary>
/// Runs only when CLUSTERBACKUP_TEST_SQLSERVER holds a connection string to a SQL Server the test may create and drop
/// databases on, and CLUSTERBACKUP_TEST_SQLSERVER_SHARE a folder both this machine and the SQL Server service can
/// write (the same path for both, or set localShareRoot/uncShareRoot-style mapping through CLUSTERBACKUP_TEST_SQLSERVER_UNC).
/// Reported as skipped otherwise.
/// </summary>
public sealed class SqlServerFactAttribute : FactAttribute
{
    public const string ConnectionVariable = "CLUSTERBACKUP_TEST_SQLSERVER";
    public const string ShareVariable = "CLUSTERBACKUP_TEST_SQLSERVER_SHARE";
    public const string UncVariable = "CLUSTERBACKUP_TEST_SQLSERVER_UNC";

    public SqlServerFactAttribute()
    {
        if (string.IsNullOrWhiteSpace(Environment.GetEnvironmentVariable(ConnectionVariable)) || string.IsNullOrWhiteSpace(Environment.GetEnvironmentVariable(ShareVariable)))
            Skip = $"No SQL Server to test against: set {ConnectionVariable} (connection string) and {ShareVariable} (backup folder).";
    }
}

/// <summary>The SQL Server engine against a real server: full and log backups, refusal rules, msdb LSNs, verify, restore to a point.</summary>
public class SqlServerIntegrationTests
{
    private sealed class RecordingReporter : IOperationReporter
    {
        public List<int> Percents { get; } = [];
        public void Progress(string activity, string status, int percentComplete) { lock (Percents) Percents.Add(percentComplete); }
        public void Verbose(string message) { }
        public void Warning(string message) { }
    }

    private static (SqlServerEngine Engine, string ConnectionString, string Share) Setup()
    {
        var connectionString = Environment.GetEnvironmentVariable(SqlServerFactAttribute.ConnectionVariable)!;
        var builder = new SqlConnectionStringBuilder(connectionString);
        var share = Environment.GetEnvironmentVariable(SqlServerFactAttribute.ShareVariable)!;
        var unc = Environment.GetEnvironmentVariable(SqlServerFactAttribute.UncVariable);
        var settings = new SqlServerSettings(builder.DataSource, builder.Encrypt, builder.TrustServerCertificate, 15, 0,
            unc is null ? null : share, unc, builder.IntegratedSecurity ? null : new System.Net.NetworkCredential(builder.UserID, builder.Password));
        return (new SqlServerEngine(settings), connectionString, share);
    }

    private static void Run(string connectionString, string sql)
    {
        using var connection = new SqlConnection(connectionString);
        connection.Open();
        using var command = new SqlCommand(sql, connection);
        command.ExecuteNonQuery();
    }

    [SqlServerFact]
    public async Task FullAndLogBackupVerifyAndPointInTimeRestore()
    {
        var (engine, connectionString, share) = Setup();
        var database = "cbtest_" + Guid.NewGuid().ToString("N")[..8];
        var restored = database + "_restored";
        var folder = Path.Combine(share, database);
        Directory.CreateDirectory(folder);
        Run(connectionString, $"CREATE DATABASE {TSql.QuoteName(database)}; ALTER DATABASE {TSql.QuoteName(database)} SET RECOVERY FULL;");
        try
        {
            Run(connectionString, $"CREATE TABLE {TSql.QuoteName(database)}.dbo.t (id int); INSERT {TSql.QuoteName(database)}.dbo.t VALUES (1);");
            var dataSource = new SqlConnectionStringBuilder(connectionString).DataSource;
            var server = await engine.FindActiveServerAsync(dataSource, [], database, default);
            Assert.False(string.IsNullOrEmpty(server.Node));

            var refused = await Assert.ThrowsAsync<ClusterBackupException>(() => engine.BackupAsync(
                new EngineBackupRequest(server, database, BackupType.Log, folder, "log0", false, false, true, null), NullOperationReporter.Instance, default));
            Assert.Contains("no full backup", refused.Message);

            var reporter = new RecordingReporter();
            var full = await engine.BackupAsync(new EngineBackupRequest(server, database, BackupType.Full, folder, "full", true, false, true, null), reporter, default);
            Assert.Contains(100, reporter.Percents);
            Assert.NotNull(full.LastLsn);
            Assert.True(File.Exists(full.Files[0]));

            Run(connectionString, $"INSERT {TSql.QuoteName(database)}.dbo.t VALUES (2);");
            await Task.Delay(1500);
            var point = DateTimeOffset.UtcNow;
            await Task.Delay(1500);
            Run(connectionString, $"INSERT {TSql.QuoteName(database)}.dbo.t VALUES (3);");
            var log = await engine.BackupAsync(new EngineBackupRequest(server, database, BackupType.Log, folder, "log1", false, false, true, null), reporter, default);
            Assert.NotNull(log.FirstLsn);
            Assert.True(decimal.Parse(log.LastLsn!) > decimal.Parse(full.LastLsn!), "the log backup ends after the full backup");

            var history = await engine.ListBackupsAsync(server, database, default);
            Assert.Equal([BackupType.Full, BackupType.Log], history.Select(h => h.Type));

            BackupSet Set(EngineBackupResult r, BackupType type) => new()
            {
                BackupSetId = Guid.NewGuid(), Cluster = "test", VirtualServer = dataSource, Node = server.Node, Database = database, Engine = "SqlServer",
                Type = type, Initialize = type == BackupType.Full, MediaSetId = "m", Started = r.Started, Finished = r.Finished,
                Files = [new BackupFile(r.Files[0], new FileInfo(r.Files[0]).Length, "")],
            };
            var chain = new[] { Set(full, BackupType.Full), Set(log, BackupType.Log) };
            Assert.True((await engine.VerifyAsync(chain[0], chain, NullOperationReporter.Instance, default)).Succeeded);

            await engine.RestoreAsync(new RestoreRequest(chain, folder, point, restored), NullOperationReporter.Instance, default);
            using var connection = new SqlConnection(connectionString);
            connection.Open();
            using var count = new SqlCommand($"SELECT COUNT(*) FROM {TSql.QuoteName(restored)}.dbo.t;", connection);
            Assert.Equal(2, (int)count.ExecuteScalar()!);
        }
        finally
        {
            foreach (var name in new[] { restored, database })
                Run(connectionString, $"IF DB_ID({TSql.UnicodeLiteral(name)}) IS NOT NULL BEGIN ALTER DATABASE {TSql.QuoteName(name)} SET SINGLE_USER WITH ROLLBACK IMMEDIATE; DROP DATABASE {TSql.QuoteName(name)}; END;");
            try { Directory.Delete(folder, recursive: true); } catch (IOException) { }
        }
    }
}
