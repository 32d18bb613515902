using System.Globalization;
using System.Text.RegularExpressions;
using ClusterBackup.Engine.Catalog;
using ClusterBackup.Engine.Common;

namespace ClusterBackup.Engine.Databases.SqlServer;

/// <summary>A result-set row: column name (case-insensitive) to value, DBNull already turned into null.</summary>
public sealed class SqlRow(IReadOnlyDictionary<string, object?> values)
{
    private readonly Dictionary<string, object?> _values = new(values, StringComparer.OrdinalIgnoreCase);

    public static SqlRow Of(params (string Column, object? Value)[] cells) => new(cells.ToDictionary(c => c.Column, c => c.Value));

    public object? this[string column] => _values.TryGetValue(column, out var value) ? value
        : throw new ClusterBackupException(ErrorKind.InvalidData, column, $"The result set has no column '{column}'.");

    public string? String(string column) => this[column] switch { null => null, var v => Convert.ToString(v, CultureInfo.InvariantCulture) };

    public long? Int64(string column) => this[column] switch { null => null, var v => Convert.ToInt64(v, CultureInfo.InvariantCulture) };

    public bool Bool(string column) => this[column] switch { null => false, bool b => b, var v => Convert.ToInt64(v, CultureInfo.InvariantCulture) != 0 };

    public DateTime? DateTime(string column) => this[column] switch { null => null, DateTime d => d, var v => Convert.ToDateTime(v, CultureInfo.InvariantCulture) };
}

/// <summary>What SERVERPROPERTY says about the instance behind the virtual server name.</summary>
public sealed record SqlServerIdentity(string ServerName, string PhysicalNode, bool IsClustered, string ProductVersion, TimeSpan UtcOffset);

/// <summary>A row of sys.dm_os_cluster_nodes.</summary>
public sealed record SqlServerClusterNode(string NodeName, string Status, bool IsCurrentOwner);

/// <summary>A database's row from sys.databases joined with sys.database_recovery_status.</summary>
public sealed record SqlServerDatabaseState(string Name, string State, string RecoveryModel, string? LastLogBackupLsn);

/// <summary>A backup set from msdb.dbo.backupset with its media family files.</summary>
public sealed record SqlServerBackupHistoryEntry(
    long BackupSetId, string Database, char Type, bool CopyOnly, int Position,
    DateTimeOffset Started, DateTimeOffset Finished, string? FirstLsn, string? LastLsn, string? DatabaseBackupLsn,
    bool HasChecksums, IReadOnlyList<string> Files)
{
    /// <summary>backupset.checkpoint_lsn: for a full backup, the base its differentials name.</summary>
    public string? CheckpointLsn { get; init; }

    /// <summary>backupset.differential_base_lsn: for a differential (type I), the checkpoint LSN of the full backup it is based on.</summary>
    public string? DifferentialBaseLsn { get; init; }
}

/// <summary>
/// Parses what SQL Server returns to the engine's statements: SERVERPROPERTY values, sys.dm_os_cluster_nodes,
/// sys.databases, msdb backup history, RESTORE FILELISTONLY, and the STATS progress messages. Pure functions on rows,
/// tested against the documented columns and messages. Unverified against a live SQL Server here.
/// </summary>
public static partial class SqlServerResults
{
    /// <summary>Message 3211, "%d percent processed.", sent by BACKUP and RESTORE WITH STATS.</summary>
    public const int PercentProcessedMessage = 3211;

    /// <summary>Message 4214: BACKUP LOG cannot be performed because there is no current database backup.</summary>
    public const int NoCurrentDatabaseBackupError = 4214;

    /// <summary>
    /// "Cannot perform a differential backup for database ..., because a current database backup does not exist": BACKUP DATABASE
    /// WITH DIFFERENTIAL before any full backup (or after the database was restored or its files changed).
    /// </summary>
    public const int NoDifferentialBaseError = 3035;

    /// <summary>
    /// The percentage in a STATS message ("10 percent processed."), by message number 3211 or, for servers that
    /// report another number, by the English text. Null for every other message ("Processed 328 pages for database ...",
    /// "BACKUP DATABASE successfully processed ...").
    /// </summary>
    public static int? ParsePercent(int number, string message)
    {
        var match = PercentPattern().Match(message);
        if (!match.Success)
            return null;
        if (number != PercentProcessedMessage && !message.Contains("percent processed", StringComparison.OrdinalIgnoreCase))
            return null;
        var percent = int.Parse(match.Groups[1].Value, CultureInfo.InvariantCulture);
        return percent is >= 0 and <= 100 ? percent : null;
    }

    public static SqlServerIdentity ParseIdentity(IReadOnlyList<SqlRow> rows, string virtualServer)
    {
        var row = rows.Count == 1 ? rows[0]
            : throw new ClusterBackupException(ErrorKind.InvalidData, virtualServer, $"SERVERPROPERTY on {virtualServer} returned {rows.Count} rows, not 1.");
        var node = row.String("physical_node");
        if (string.IsNullOrWhiteSpace(node))
            throw new ClusterBackupException(ErrorKind.InvalidData, virtualServer,
                $"{virtualServer} did not report SERVERPROPERTY('ComputerNamePhysicalNetBIOS').");
        return new SqlServerIdentity(row.String("server_name") ?? virtualServer, node, row.Int64("is_clustered") == 1,
            row.String("product_version") ?? "", TimeSpan.FromMinutes(row.Int64("utc_offset_minutes") ?? 0));
    }

    public static IReadOnlyList<SqlServerClusterNode> ParseClusterNodes(IReadOnlyList<SqlRow> rows) =>
        rows.Select(r => new SqlServerClusterNode(r.String("node_name") ?? "", r.String("status_description") ?? "", r.Bool("is_current_owner"))).ToList();

    public static SqlServerDatabaseState ParseDatabaseState(IReadOnlyList<SqlRow> rows, string database, string server)
    {
        if (rows.Count == 0)
            throw new ClusterBackupException(ErrorKind.ObjectNotFound, database, $"Database '{database}' does not exist on {server}.") { Cause = "DatabaseNotFound" };
        var row = rows[0];
        return new SqlServerDatabaseState(row.String("name") ?? database, row.String("state_desc") ?? "", row.String("recovery_model_desc") ?? "",
            row["last_log_backup_lsn"] is { } lsn ? FormatLsn(lsn) : null);
    }

    /// <summary>
    /// Refuses what BACKUP LOG would refuse, with a message that says why and what to do: a database that is not
    /// online, a database in SIMPLE recovery (its log is truncated at checkpoints, there is nothing to back up), and a
    /// database whose log chain has not started because no full backup was taken (last_log_backup_lsn is NULL; error 4214).
    /// </summary>
    public static void CheckBackupAllowed(SqlServerDatabaseState state, BackupType type, string server)
    {
        if (!string.Equals(state.State, "ONLINE", StringComparison.OrdinalIgnoreCase))
            throw new ClusterBackupException(ErrorKind.ResourceUnavailable, state.Name,
                $"Database '{state.Name}' on {server} is {state.State}, not ONLINE; it cannot be backed up now.");
        if (type != BackupType.Log)
            return;
        if (string.Equals(state.RecoveryModel, "SIMPLE", StringComparison.OrdinalIgnoreCase))
            throw new ClusterBackupException(ErrorKind.InvalidOperation, state.Name,
                $"Database '{state.Name}' on {server} uses the SIMPLE recovery model, which keeps no log to back up. " +
                "Take full backups, or switch it to FULL recovery (ALTER DATABASE ... SET RECOVERY FULL) and take a full backup first.");
        if (state.LastLogBackupLsn is null)
            throw new ClusterBackupException(ErrorKind.InvalidOperation, state.Name,
                $"Database '{state.Name}' on {server} has no full backup that starts a log chain; take a full backup before a log backup.");
    }

    /// <summary>
    /// msdb history rows (one per media family) grouped into backup sets. backup_start_date and backup_finish_date are the
    /// server's local time; time_zone is the offset from UTC in 15-minute intervals (-48..+48, 127 = unknown), and
    /// <paramref name="fallbackOffset"/> (the server's offset now) stands in when it is unknown.
    /// </summary>
    public static IReadOnlyList<SqlServerBackupHistoryEntry> ParseHistory(IReadOnlyList<SqlRow> rows, TimeSpan fallbackOffset) =>
        rows.GroupBy(r => r.Int64("backup_set_id") ?? 0)
            .Select(set =>
            {
                var first = set.First();
                var zone = first.Int64("time_zone");
                var offset = zone is { } z and >= -48 and <= 48 ? TimeSpan.FromMinutes(z * 15) : fallbackOffset;
                return new SqlServerBackupHistoryEntry(
                    set.Key,
                    first.String("database_name") ?? "",
                    (first.String("type") ?? "?").Trim().FirstOrDefault('?'),
                    first.Bool("is_copy_only"),
                    (int)(first.Int64("position") ?? 1),
                    ToOffset(first.DateTime("backup_start_date"), offset),
                    ToOffset(first.DateTime("backup_finish_date"), offset),
                    first["first_lsn"] is { } f ? FormatLsn(f) : null,
                    first["last_lsn"] is { } l ? FormatLsn(l) : null,
                    first["database_backup_lsn"] is { } d ? FormatLsn(d) : null,
                    first.Bool("has_backup_checksums"),
                    set.OrderBy(r => r.Int64("family_sequence_number") ?? 0).Select(r => r.String("physical_device_name") ?? "").ToList())
                {
                    CheckpointLsn = first["checkpoint_lsn"] is { } c ? FormatLsn(c) : null,
                    DifferentialBaseLsn = first["differential_base_lsn"] is { } b ? FormatLsn(b) : null,
                };
            })
            .ToList();

    /// <summary>Full (D), differential (I) and log (L) entries as the engine-neutral record; file and filegroup backups are left out.</summary>
    public static IReadOnlyList<EngineBackupRecord> ToRecords(IEnumerable<SqlServerBackupHistoryEntry> entries) =>
        entries.Where(e => e.Type is 'D' or 'I' or 'L')
            .Select(e => new EngineBackupRecord(e.Database, e.Type switch { 'D' => BackupType.Full, 'I' => BackupType.Differential, _ => BackupType.Log },
                e.Started, e.Finished, e.FirstLsn, e.LastLsn, e.Files))
            .ToList();

    /// <summary>RESTORE FILELISTONLY rows: LogicalName, PhysicalName, Type.</summary>
    public static IReadOnlyList<BackupFileEntry> ParseFileList(IReadOnlyList<SqlRow> rows) =>
        rows.Select(r => new BackupFileEntry(r.String("LogicalName") ?? "", r.String("PhysicalName") ?? "", (r.String("Type") ?? "D").Trim().FirstOrDefault('D'))).ToList();

    /// <summary>An LSN (numeric(25,0)) as its decimal digits, the form msdb and fn_dblog comparisons use.</summary>
    public static string FormatLsn(object value) => value switch
    {
        decimal d => decimal.Truncate(d).ToString("0", CultureInfo.InvariantCulture),
        string s => s.Trim(),
        _ => Convert.ToDecimal(value, CultureInfo.InvariantCulture).ToString("0", CultureInfo.InvariantCulture),
    };

    private static DateTimeOffset ToOffset(DateTime? local, TimeSpan offset) =>
        local is { } l ? new DateTimeOffset(System.DateTime.SpecifyKind(l, DateTimeKind.Unspecified), offset) : DateTimeOffset.MinValue;

    [GeneratedRegex(@"^\s*(\d{1,3})\s+percent\b", RegexOptions.CultureInvariant)]
    private static partial Regex PercentPattern();
}
