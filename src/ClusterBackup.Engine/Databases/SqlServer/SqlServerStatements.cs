using System.Data;
using System.Text;
using ClusterBackup.Engine.Catalog;
using ClusterBackup.Engine.Common;

namespace ClusterBackup.Engine.Databases.SqlServer;

/// <summary>One file of a backup as RESTORE FILELISTONLY lists it, and where a restore puts it.</summary>
/// <param name="LogicalName">LogicalName column.</param>
/// <param name="PhysicalName">PhysicalName column: where the file was when it was backed up.</param>
/// <param name="Type">Type column: D data, L log, F full-text catalog, S FILESTREAM/memory-optimized container.</param>
public sealed record BackupFileEntry(string LogicalName, string PhysicalName, char Type);

/// <summary>
/// Every T-SQL statement the SQL Server engine runs, generated here so tests can read them. Database names,
/// device paths, backup-set names, file numbers and STOPAT times are parameters (BACKUP and RESTORE take a
/// variable in each of those places: "{ database_name | @database_name_var }", "DISK = { 'physical_backup_device_name'
/// | @physical_backup_device_name_var }", "FILE = { backup_set_file_number | @backup_set_file_number }",
/// "STOPAT = { 'datetime' | @datetime_var }"). MOVE ... TO takes quoted literals: TSql.UnicodeLiteral doubles quotes.
/// Unverified against a live SQL Server here: checked against the T-SQL reference only.
/// </summary>
public static class SqlServerStatements
{
    /// <summary>Percent step of STATS: SQL Server then sends "N percent processed." every 10 percent.</summary>
    public const int StatsPercent = 10;

    /// <summary>
    /// Who answers on the virtual server name: the physical node (ComputerNamePhysicalNetBIOS, the active node of a
    /// failover cluster instance), whether the instance is clustered, and the server's offset from UTC (msdb and STOPAT
    /// use the server's local time).
    /// </summary>
    public static readonly SqlStatement ServerIdentity = new(
        "SELECT CAST(SERVERPROPERTY('ServerName') AS nvarchar(256)) AS server_name, " +
        "CAST(SERVERPROPERTY('ComputerNamePhysicalNetBIOS') AS nvarchar(256)) AS physical_node, " +
        "CAST(SERVERPROPERTY('IsClustered') AS int) AS is_clustered, " +
        "CAST(SERVERPROPERTY('ProductVersion') AS nvarchar(128)) AS product_version, " +
        "DATEPART(TZOFFSET, SYSDATETIMEOFFSET()) AS utc_offset_minutes;");

    /// <summary>The nodes of the failover cluster instance and which one owns it now (empty when not clustered).</summary>
    public static readonly SqlStatement ClusterNodes = new(
        "SELECT NodeName AS node_name, status_description, is_current_owner FROM sys.dm_os_cluster_nodes ORDER BY NodeName;");

    /// <summary>
    /// The database's state, recovery model and log chain: sys.database_recovery_status.last_log_backup_lsn is NULL
    /// until a full backup starts the log chain (BACKUP LOG then fails with error 4214).
    /// </summary>
    public static SqlStatement DatabaseState(string database) => new(
        "SELECT d.name, d.state_desc, d.recovery_model_desc, drs.last_log_backup_lsn " +
        "FROM sys.databases AS d LEFT JOIN sys.database_recovery_status AS drs ON drs.database_id = d.database_id " +
        "WHERE d.name = @database;",
        [Name("@database", database)]);

    /// <summary>
    /// <c>BACKUP DATABASE|LOG @database TO DISK = @path WITH [DIFFERENTIAL,] INIT|NOINIT, CHECKSUM|NO_CHECKSUM, STATS, [COPY_ONLY,] NAME = @name</c>.
    /// A differential is BACKUP DATABASE WITH DIFFERENTIAL, as dbatools' Backup-DbaDatabase -Type Differential and Ola Hallengren's
    /// DatabaseBackup @BackupType = 'DIFF' send it. COPY_ONLY has no effect with DIFFERENTIAL in SQL Server, so a copy-only
    /// differential is refused rather than sent. Exercised only against a test double: unverified against a live SQL Server.
    /// </summary>
    public static SqlStatement Backup(string database, BackupType type, string path, bool initialize, bool checksum, bool copyOnly, string backupSetName)
    {
        TSql.ValidateName(database, "database name");
        ValidatePath(path);
        if (type == BackupType.Differential && copyOnly)
            throw new ClusterBackupException(ErrorKind.InvalidArgument, database,
                $"A differential backup of '{database}' cannot be copy-only: SQL Server ignores COPY_ONLY with DIFFERENTIAL.") { Cause = "CopyOnlyDifferential" };
        var options = new List<string>();
        if (type == BackupType.Differential)
            options.Add("DIFFERENTIAL");
        options.AddRange(
        [
            initialize ? "INIT" : "NOINIT",
            checksum ? "CHECKSUM" : "NO_CHECKSUM",
            $"STATS = {StatsPercent}",
        ]);
        if (copyOnly)
            options.Add("COPY_ONLY");
        options.Add("NAME = @name");
        var verb = type == BackupType.Log ? "BACKUP LOG" : "BACKUP DATABASE";
        return new SqlStatement($"{verb} @database TO DISK = @path WITH {string.Join(", ", options)};",
            [Name("@database", database), Path("@path", path), new SqlStatementParameter("@name", SqlDbType.NVarChar, backupSetName, 128)]);
    }

    /// <summary>
    /// <c>RESTORE VERIFYONLY FROM DISK = @path WITH FILE = @file</c>: checks the backup set is complete and readable.
    /// Without CHECKSUM or NO_CHECKSUM, RESTORE verifies backup checksums when the backup has them and proceeds
    /// without when it has none, so a backup taken with NO_CHECKSUM still verifies.
    /// </summary>
    public static SqlStatement VerifyOnly(string path, int file) => new(
        "RESTORE VERIFYONLY FROM DISK = @path WITH FILE = @file;",
        [Path("@path", path), File(file)]);

    /// <summary><c>RESTORE FILELISTONLY</c>: the logical files a restore must MOVE.</summary>
    public static SqlStatement FileListOnly(string path, int file) => new(
        "RESTORE FILELISTONLY FROM DISK = @path WITH FILE = @file;",
        [Path("@path", path), File(file)]);

    /// <summary>The online user databases: not master, tempdb, model and msdb (ids 1 to 4), not database snapshots.</summary>
    public static readonly SqlStatement UserDatabases = new(
        "SELECT name FROM sys.databases WHERE database_id > 4 AND source_database_id IS NULL AND state_desc = N'ONLINE' ORDER BY name;", []);

    /// <summary>Whether a database of that name exists (a restore never overwrites one).</summary>
    public static SqlStatement DatabaseExists(string database) => new(
        "SELECT COUNT(*) FROM sys.databases WHERE name = @database;", [Name("@database", database)]);

    /// <summary>
    /// <c>RESTORE DATABASE @database FROM DISK = @path WITH FILE = @file, MOVE N'logical' TO N'new path' ..., NORECOVERY, STATS</c>.
    /// Each file moves to <paramref name="targetFolder"/> as "&lt;new database&gt;_&lt;logical name&gt;" plus its original extension.
    /// </summary>
    public static SqlStatement RestoreDatabase(string database, string path, int file, IReadOnlyList<BackupFileEntry> files, string targetFolder, bool recovery)
    {
        TSql.ValidateName(database, "database name");
        ValidatePath(path);
        if (files.Count == 0)
            throw new ClusterBackupException(ErrorKind.InvalidData, path, $"RESTORE FILELISTONLY listed no files in {path}.");
        var text = new StringBuilder("RESTORE DATABASE @database FROM DISK = @path WITH FILE = @file");
        foreach (var entry in files)
            text.Append(", MOVE ").Append(TSql.UnicodeLiteral(entry.LogicalName)).Append(" TO ").Append(TSql.UnicodeLiteral(MovedPath(database, entry, targetFolder)));
        text.Append(recovery ? ", RECOVERY" : ", NORECOVERY").Append($", STATS = {StatsPercent};");
        return new SqlStatement(text.ToString(), [Name("@database", database), Path("@path", path), File(file)]);
    }

    /// <summary>
    /// <c>RESTORE DATABASE @database FROM DISK = @path WITH FILE = @file, NORECOVERY, STATS</c>: a differential over the full backup
    /// restored WITH NORECOVERY just before it. No MOVE: the files already exist where the full backup's restore put them.
    /// Exercised only against a test double: unverified against a live SQL Server.
    /// </summary>
    public static SqlStatement RestoreDifferential(string database, string path, int file)
    {
        TSql.ValidateName(database, "database name");
        ValidatePath(path);
        return new SqlStatement($"RESTORE DATABASE @database FROM DISK = @path WITH FILE = @file, NORECOVERY, STATS = {StatsPercent};",
            [Name("@database", database), Path("@path", path), File(file)]);
    }

    /// <summary><c>RESTORE LOG @database FROM DISK = @path WITH FILE = @file, NORECOVERY [, STOPAT = @stopat]</c>.</summary>
    /// <param name="database">The database being restored.</param>
    /// <param name="path">The backup file.</param>
    /// <param name="file">The backup's position in the file (FILE =).</param>
    /// <param name="stopAt">The point in time in the server's local time (STOPAT has no time zone).</param>
    public static SqlStatement RestoreLog(string database, string path, int file, DateTime? stopAt)
    {
        TSql.ValidateName(database, "database name");
        ValidatePath(path);
        var parameters = new List<SqlStatementParameter> { Name("@database", database), Path("@path", path), File(file) };
        var text = "RESTORE LOG @database FROM DISK = @path WITH FILE = @file, NORECOVERY";
        if (stopAt is { } at)
        {
            text += ", STOPAT = @stopat";
            parameters.Add(new SqlStatementParameter("@stopat", SqlDbType.DateTime, at));
        }
        return new SqlStatement(text + $", STATS = {StatsPercent};", parameters);
    }

    /// <summary>
    /// <c>DBCC CHECKDB</c> of a restored copy, every error reported (ALL_ERRORMSGS) and informational messages left out
    /// (NO_INFOMSGS), so any message it sends is a finding. The name travels as a parameter and is quoted by the server.
    /// </summary>
    public static SqlStatement CheckDatabase(string database) => new(
        "DECLARE @sql nvarchar(400) = N'DBCC CHECKDB (' + QUOTENAME(@database) + N') WITH NO_INFOMSGS, ALL_ERRORMSGS'; EXEC (@sql);",
        [new SqlStatementParameter("@database", SqlDbType.NVarChar, database, TSql.MaxIdentifierLength)]);

    /// <summary>Drops a database ClusterBackup restored, if it exists; connections to it are closed first.</summary>
    public static SqlStatement DropRestoredDatabase(string database) => new(
        "IF DB_ID(@database) IS NOT NULL BEGIN DECLARE @sql nvarchar(600) = N'ALTER DATABASE ' + QUOTENAME(@database) + N' SET SINGLE_USER WITH ROLLBACK IMMEDIATE; DROP DATABASE ' + QUOTENAME(@database); EXEC (@sql); END;",
        [new SqlStatementParameter("@database", SqlDbType.NVarChar, database, TSql.MaxIdentifierLength)]);

    /// <summary><c>RESTORE DATABASE @database WITH RECOVERY</c>: brings the restored database online.</summary>
    public static SqlStatement Recover(string database) => new("RESTORE DATABASE @database WITH RECOVERY;", [Name("@database", database)]);

    /// <summary>
    /// The server's own record of full (type D), differential (type I) and log (type L) backups of one database, one row per
    /// media family, oldest first. Columns as documented for msdb.dbo.backupset and msdb.dbo.backupmediafamily.
    /// </summary>
    public static SqlStatement BackupHistory(string database) => new(
        HistorySelect + "WHERE bs.database_name = @database AND bs.type IN ('D', 'I', 'L') " +
        "ORDER BY bs.backup_start_date, bs.backup_set_id, bmf.family_sequence_number;",
        [Name("@database", database)]);

    /// <summary>The newest backup set of <paramref name="database"/> written to <paramref name="path"/>: its LSNs and times.</summary>
    public static SqlStatement BackupSetOnDevice(string database, string path) => new(
        HistorySelect + "WHERE bs.database_name = @database AND bs.backup_set_id = (" +
        "SELECT MAX(b2.backup_set_id) FROM msdb.dbo.backupset AS b2 " +
        "JOIN msdb.dbo.backupmediafamily AS f2 ON f2.media_set_id = b2.media_set_id " +
        "WHERE b2.database_name = @database AND f2.physical_device_name = @path) " +
        "ORDER BY bmf.family_sequence_number;",
        [Name("@database", database), Path("@path", path)]);

    private const string HistorySelect =
        "SELECT bs.backup_set_id, bs.database_name, bs.type, bs.is_copy_only, bs.position, " +
        "bs.backup_start_date, bs.backup_finish_date, bs.time_zone, " +
        "bs.first_lsn, bs.last_lsn, bs.checkpoint_lsn, bs.database_backup_lsn, bs.differential_base_lsn, " +
        "bs.has_backup_checksums, bs.server_name, bs.machine_name, " +
        "bmf.physical_device_name, bmf.family_sequence_number " +
        "FROM msdb.dbo.backupset AS bs JOIN msdb.dbo.backupmediafamily AS bmf ON bmf.media_set_id = bs.media_set_id ";

    /// <summary>Where RESTORE ... MOVE puts one file: the target folder, the new database's name, the logical name.</summary>
    public static string MovedPath(string database, BackupFileEntry entry, string targetFolder)
    {
        var extension = System.IO.Path.GetExtension(entry.PhysicalName.Replace('\\', '/'));
        if (string.IsNullOrEmpty(extension))
            extension = entry.Type == 'L' ? ".ldf" : ".ndf";
        var separator = targetFolder.Contains('\\') || !targetFolder.Contains('/') ? '\\' : '/';
        var name = $"{database}_{entry.LogicalName}{extension}";
        foreach (var bad in new[] { '\\', '/', ':', '*', '?', '"', '<', '>', '|' })
            name = name.Replace(bad, '_');
        return targetFolder.TrimEnd('\\', '/') + separator + name;
    }

    private static void ValidatePath(string path)
    {
        if (string.IsNullOrWhiteSpace(path))
            throw new ClusterBackupException(ErrorKind.InvalidArgument, path ?? "", "The backup path is empty.");
        if (path.Length > 260 && !path.StartsWith(@"\\?\", StringComparison.Ordinal))
            throw new ClusterBackupException(ErrorKind.InvalidArgument, path, $"The backup path has {path.Length} characters; BACKUP and RESTORE accept 260.");
        if (path.Contains('\0'))
            throw new ClusterBackupException(ErrorKind.InvalidArgument, path, "The backup path contains a NUL character.");
    }

    private static SqlStatementParameter Name(string name, string value)
    {
        TSql.ValidateName(value, "database name");
        return new SqlStatementParameter(name, SqlDbType.NVarChar, value, TSql.MaxIdentifierLength);
    }

    private static SqlStatementParameter Path(string name, string value) => new(name, SqlDbType.NVarChar, value, 260);

    private static SqlStatementParameter File(int file) =>
        file >= 1 ? new SqlStatementParameter("@file", SqlDbType.Int, file)
            : throw new ArgumentOutOfRangeException(nameof(file), file, "Backup set positions start at 1.");
}
