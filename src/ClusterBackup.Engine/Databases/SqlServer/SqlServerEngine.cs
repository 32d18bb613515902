using System.Data;
using ClusterBackup.Engine.Catalog;
using ClusterBackup.Engine.Common;

namespace ClusterBackup.Engine.Databases.SqlServer;

/// <summary>
/// SQL Server through Microsoft.Data.SqlClient: connects to the virtual server name (so it always reaches the
/// active node of a failover cluster instance), finds that node with SERVERPROPERTY('ComputerNamePhysicalNetBIOS'),
/// IsClustered and sys.dm_os_cluster_nodes, runs BACKUP DATABASE / BACKUP DATABASE WITH DIFFERENTIAL / BACKUP LOG to a file
/// on the share (WITH INIT or NOINIT, CHECKSUM, STATS, optional COPY_ONLY; progress from the STATS messages), verifies with
/// RESTORE VERIFYONLY, reads LSNs and times from msdb.dbo.backupset / backupmediafamily (a full's checkpoint_lsn and a
/// differential's differential_base_lsn tie the differential to its full), and restores a chain (full, differential, logs)
/// to a point in time into a new database (MOVE, STOPAT). WITH INIT / NOINIT are passed as the request says; the media set itself is the folder on the
/// share that the backup operation starts (INIT) or appends to (NOINIT), with one file per backup set. Statements come from <see cref="SqlServerStatements"/>; results are read by
/// <see cref="SqlServerResults"/>.
/// <para>Unverified against a live SQL Server here: the statements and the parsing are tested against the documented
/// behaviour, the sequence of statements against a scripted <see cref="ISqlServerConnector"/>; SqlServerIntegrationTests
/// run when CLUSTERBACKUP_TEST_SQLSERVER holds a connection string. Differential backups (BACKUP ... WITH DIFFERENTIAL, their
/// base LSN, error 3035) and their restore are exercised only against a test double.</para>
/// </summary>
public sealed class SqlServerEngine(SqlServerSettings settings, ISqlServerConnector? connector = null) : IDatabaseEngine, IRestoredCopyChecker
{
    private readonly ISqlServerConnector _connector = connector ?? new SqlClientConnector(settings);

    public string Name => "SqlServer";

    public SqlServerSettings Settings { get; } = settings;

    public async Task<DatabaseServer> FindActiveServerAsync(string virtualServer, IReadOnlyList<string> candidates, string? database, CancellationToken cancellationToken)
    {
        await using var connection = await OpenAsync(Settings.DataSource, virtualServer, cancellationToken).ConfigureAwait(false);
        var identity = SqlServerResults.ParseIdentity(await QueryAsync(connection, SqlServerStatements.ServerIdentity, cancellationToken).ConfigureAwait(false), virtualServer);
        var node = identity.PhysicalNode;
        if (identity.IsClustered)
        {
            var nodes = SqlServerResults.ParseClusterNodes(await QueryAsync(connection, SqlServerStatements.ClusterNodes, cancellationToken).ConfigureAwait(false));
            // sys.dm_os_cluster_nodes names the owner too; it and SERVERPROPERTY agree except during a failover.
            if (nodes.FirstOrDefault(n => n.IsCurrentOwner) is { } owner && !SameHost(owner.NodeName, node))
                throw new ClusterBackupException(ErrorKind.ResourceBusy, virtualServer,
                    $"{virtualServer} reports node {node}, but sys.dm_os_cluster_nodes names {owner.NodeName} as the owner: a failover is in progress; try again.");
        }
        if (candidates.Count > 0 && !candidates.Any(c => SameHost(c, node)))
            throw new ClusterBackupException(ErrorKind.InvalidOperation, virtualServer,
                $"{virtualServer} runs on {node}, which is not a node of the configured cluster ({string.Join(", ", candidates)}).");
        if (database is not null)
        {
            var state = SqlServerResults.ParseDatabaseState(await QueryAsync(connection, SqlServerStatements.DatabaseState(database), cancellationToken).ConfigureAwait(false), database, virtualServer);
            SqlServerResults.CheckBackupAllowed(state, BackupType.Full, virtualServer);
        }
        return new DatabaseServer(virtualServer, node, Settings.DataSource);
    }

    /// <summary>Full, differential and log backups are all taken.</summary>
    public string? WhyNotSupported(BackupType type, string database) => null;

    /// <summary>Online user databases (database_id above 4, not snapshots). Tested against a scripted server only.</summary>
    public async Task<IReadOnlyList<string>> ListUserDatabasesAsync(DatabaseServer server, CancellationToken cancellationToken)
    {
        await using var connection = await OpenAsync(server.ConnectionTarget, server.VirtualServer, cancellationToken).ConfigureAwait(false);
        var rows = await QueryAsync(connection, SqlServerStatements.UserDatabases, cancellationToken).ConfigureAwait(false);
        return rows.Select(r => (string)r["name"]!).ToList();
    }

    public async Task<EngineBackupResult> BackupAsync(EngineBackupRequest request, IOperationReporter reporter, CancellationToken cancellationToken)
    {
        var server = request.Server.VirtualServer;
        await using var connection = await OpenAsync(request.Server.ConnectionTarget, server, cancellationToken).ConfigureAwait(false);
        var state = SqlServerResults.ParseDatabaseState(
            await QueryAsync(connection, SqlServerStatements.DatabaseState(request.Database), cancellationToken).ConfigureAwait(false), request.Database, server);
        SqlServerResults.CheckBackupAllowed(state, request.Type, server);

        // As Ola Hallengren's DatabaseBackup names them: .bak for full and differential backups, .trn for logs.
        var extension = request.Type == BackupType.Log ? ".trn" : ".bak";
        var finalPath = Path.Combine(request.Directory, request.FileStem + extension);
        // Written under a temporary name and renamed once BACKUP has finished, so a file with the final name is complete.
        var partialPath = finalPath + ".partial";
        var serverPath = Settings.ServerPath(partialPath);
        // Each backup set gets a file of its own inside the media-set folder the backup operation manages, so it is
        // always backup set 1 of its file. A leftover .partial from an interrupted run would make NOINIT append after
        // it (position 2), so it goes first.
        if (File.Exists(partialPath))
        {
            reporter.Warning($"Removing {partialPath}, left behind by an interrupted backup.");
            File.Delete(partialPath);
        }
        var statement = SqlServerStatements.Backup(request.Database, request.Type, serverPath, request.Initialize, request.Checksum, request.CopyOnly,
            $"ClusterBackup {request.Type} {request.FileStem}");
        var activity = $"Backing up {request.Database} on {server} ({request.Type})";
        reporter.Verbose($"{server} ({request.Server.Node}): {statement.ToScript()}");
        var started = DateTimeOffset.UtcNow;
        try
        {
            await ExecuteAsync(connection, statement, activity, reporter, cancellationToken).ConfigureAwait(false);
        }
        catch (SqlServerCommandException ex) when (ex.Number == SqlServerResults.NoCurrentDatabaseBackupError)
        {
            TryDelete.File(partialPath);
            throw new ClusterBackupException(ErrorKind.InvalidOperation, request.Database,
                $"Database '{request.Database}' on {server} has no full backup that starts a log chain; take a full backup before a log backup.", ex) { Cause = "LogBackupWithoutFull" };
        }
        catch (SqlServerCommandException ex) when (ex.Number == SqlServerResults.NoDifferentialBaseError)
        {
            // The catalog holds a full backup, but SQL Server has no differential base: the database was restored or its
            // files changed since, or the full backup was taken on another server.
            TryDelete.File(partialPath);
            throw new ClusterBackupException(ErrorKind.InvalidOperation, request.Database,
                $"Database '{request.Database}' on {server} has no current full backup to base a differential on (the database was restored, or its files changed, since the last full backup); take a full backup before a differential.", ex)
                { Cause = "DifferentialBackupWithoutFull" };
        }
        catch (Exception ex) when (ex is SqlServerCommandException or OperationCanceledException)
        {
            TryDelete.File(partialPath);
            if (ex is SqlServerCommandException sql)
                throw new ClusterBackupException(ErrorKind.WriteError, request.Database,
                    $"{Verb(request.Type)} of '{request.Database}' on {server} to {serverPath} failed: {sql.Message}", sql);
            throw;
        }
        reporter.Completed(activity);
        var finished = DateTimeOffset.UtcNow;

        var history = SqlServerResults.ParseHistory(
            await QueryAsync(connection, SqlServerStatements.BackupSetOnDevice(request.Database, serverPath), cancellationToken).ConfigureAwait(false), TimeSpan.Zero);
        var entry = history.LastOrDefault();
        if (entry is null)
            reporter.Warning($"msdb on {server} has no record of the backup of '{request.Database}' to {serverPath}; its LSNs are not recorded.");
        if (!File.Exists(partialPath))
            throw new ClusterBackupException(ErrorKind.ReadError, partialPath,
                $"SQL Server on {server} wrote the backup of '{request.Database}' to {serverPath}, but {partialPath} does not exist on this machine; " +
                "check that the share is the same folder here and for the SQL Server service (settings localShareRoot and uncShareRoot).");
        File.Move(partialPath, finalPath, overwrite: false);
        if (entry is not null && request.Type == BackupType.Differential && request.PreviousInChain is { CheckpointLsn: { } baseLsn } full
            && entry.DifferentialBaseLsn is { } differentialBase && differentialBase != baseLsn)
            reporter.Warning($"The differential backup of '{request.Database}' on {server} is based on the full backup with checkpoint LSN {differentialBase}, " +
                $"not on the catalog's latest full backup {full.BackupSetId} (checkpoint LSN {baseLsn}): a full backup was taken outside ClusterBackup. " +
                "A restore from the catalog cannot use this differential; take a full backup with ClusterBackup.");
        return new EngineBackupResult([finalPath], entry?.FirstLsn, entry?.LastLsn, null,
            entry?.Started.ToUniversalTime() ?? started, entry?.Finished.ToUniversalTime() ?? finished)
        {
            CheckpointLsn = request.Type == BackupType.Full ? entry?.CheckpointLsn : null,
            DifferentialBaseLsn = request.Type == BackupType.Differential ? entry?.DifferentialBaseLsn : null,
        };
    }

    private static string Verb(BackupType type) => type switch
    {
        BackupType.Log => "BACKUP LOG",
        BackupType.Differential => "BACKUP DATABASE WITH DIFFERENTIAL",
        _ => "BACKUP DATABASE",
    };

    public async Task<IReadOnlyList<EngineBackupRecord>> ListBackupsAsync(DatabaseServer server, string database, CancellationToken cancellationToken)
    {
        await using var connection = await OpenAsync(server.ConnectionTarget, server.VirtualServer, cancellationToken).ConfigureAwait(false);
        var identity = SqlServerResults.ParseIdentity(await QueryAsync(connection, SqlServerStatements.ServerIdentity, cancellationToken).ConfigureAwait(false), server.VirtualServer);
        var rows = await QueryAsync(connection, SqlServerStatements.BackupHistory(database), cancellationToken).ConfigureAwait(false);
        return SqlServerResults.ToRecords(SqlServerResults.ParseHistory(rows, identity.UtcOffset));
    }

    public async Task<VerifyResult> VerifyAsync(BackupSet backupSet, IReadOnlyList<BackupSet> chain, IOperationReporter reporter, CancellationToken cancellationToken)
    {
        await using var connection = await OpenAsync(Settings.DataSource, backupSet.VirtualServer, cancellationToken).ConfigureAwait(false);
        var problems = new List<string>();
        foreach (var file in backupSet.Files)
        {
            var statement = SqlServerStatements.VerifyOnly(Settings.ServerPath(file.Path), 1);
            reporter.Verbose($"{backupSet.VirtualServer}: {statement.ToScript()}");
            try
            {
                await ExecuteAsync(connection, statement, $"Verifying {file.Path}", reporter, cancellationToken).ConfigureAwait(false);
            }
            catch (SqlServerCommandException ex)
            {
                problems.Add($"RESTORE VERIFYONLY of {file.Path} failed: {ex.Message}");
            }
        }
        return new VerifyResult(problems.Count == 0, problems);
    }

    public async Task RestoreAsync(RestoreRequest request, IOperationReporter reporter, CancellationToken cancellationToken)
    {
        var target = request.TargetDatabase
            ?? throw new ClusterBackupException(ErrorKind.InvalidArgument, request.TargetLocation, "A SQL Server restore needs the name of the new database.");
        TSql.ValidateName(target, "database name");
        var server = request.Chain.FirstOrDefault()?.VirtualServer ?? Settings.DataSource;
        await using var connection = await OpenAsync(Settings.DataSource, server, cancellationToken).ConfigureAwait(false);
        if (Convert.ToInt32(await ScalarAsync(connection, SqlServerStatements.DatabaseExists(target), cancellationToken).ConfigureAwait(false)) > 0)
            throw new ClusterBackupException(ErrorKind.InvalidOperation, target, $"Database '{target}' already exists on {server}; a restore never overwrites a database. Choose a new name.");
        var identity = SqlServerResults.ParseIdentity(await QueryAsync(connection, SqlServerStatements.ServerIdentity, cancellationToken).ConfigureAwait(false), server);
        var steps = SqlServerRestorePlan.Build(request.Chain, request.PointInTime, identity.UtcOffset);

        var fullPath = Settings.ServerPath(steps[0].File);
        var files = SqlServerResults.ParseFileList(await QueryAsync(connection, SqlServerStatements.FileListOnly(fullPath, 1), cancellationToken).ConfigureAwait(false));
        var statements = new List<SqlStatement> { SqlServerStatements.RestoreDatabase(target, fullPath, 1, files, request.TargetLocation, recovery: false) };
        // Full WITH NORECOVERY, then the differential WITH NORECOVERY, then the logs (the last with STOPAT), then RECOVERY.
        statements.AddRange(steps.Skip(1).Select(step => step.BackupSet.Type == BackupType.Differential
            ? SqlServerStatements.RestoreDifferential(target, Settings.ServerPath(step.File), 1)
            : SqlServerStatements.RestoreLog(target, Settings.ServerPath(step.File), 1, step.StopAt)));
        statements.Add(SqlServerStatements.Recover(target));
        try
        {
            foreach (var statement in statements)
            {
                reporter.Verbose($"{server}: {statement.ToScript()}");
                await ExecuteAsync(connection, statement, $"Restoring {target} on {server}", reporter, cancellationToken).ConfigureAwait(false);
            }
        }
        catch (Exception ex) when (ex is SqlServerCommandException or OperationCanceledException)
        {
            // A half-restored database stays in RESTORING; remove it so nothing incomplete looks like a restore.
            await DropQuietlyAsync(connection, target, reporter).ConfigureAwait(false);
            if (ex is SqlServerCommandException sql)
                throw new ClusterBackupException(ErrorKind.WriteError, target, $"Restore of '{target}' on {server} failed: {sql.Message}", sql);
            throw;
        }
        reporter.Completed($"Restoring {target} on {server}");
    }

    /// <summary>
    /// DBCC CHECKDB of the restored database (the restore's target database), as Test-DbaLastBackup does. Every message
    /// it sends with NO_INFOMSGS is a finding. Tested against a scripted server only: unverified against a live SQL Server.
    /// </summary>
    public async Task<VerifyResult> CheckRestoredCopyAsync(RestoreRequest restore, string database, IOperationReporter reporter, CancellationToken cancellationToken)
    {
        var copy = restore.TargetDatabase ?? throw new ClusterBackupException(ErrorKind.InvalidArgument, restore.TargetLocation, "A SQL Server restore test needs the restored database's name.");
        var server = restore.Chain.FirstOrDefault()?.VirtualServer ?? Settings.DataSource;
        await using var connection = await OpenAsync(Settings.DataSource, server, cancellationToken).ConfigureAwait(false);
        var findings = new List<string>();
        var statement = SqlServerStatements.CheckDatabase(copy);
        reporter.Verbose($"{server}: {statement.ToScript()}");
        try
        {
            await connection.ExecuteAsync(statement, (number, message) => findings.Add($"DBCC CHECKDB ({copy}): Msg {number}: {message}"), cancellationToken).ConfigureAwait(false);
        }
        catch (SqlServerCommandException ex)
        {
            findings.Add($"DBCC CHECKDB ({copy}) failed: Msg {ex.Number}: {ex.Message}");
        }
        return new VerifyResult(findings.Count == 0, findings);
    }

    /// <summary>Drops the restored database. Tested against a scripted server only.</summary>
    public async Task<bool> RemoveRestoredCopyAsync(RestoreRequest restore, CancellationToken cancellationToken)
    {
        if (restore.TargetDatabase is not { } copy)
            return true;
        var server = restore.Chain.FirstOrDefault()?.VirtualServer ?? Settings.DataSource;
        try
        {
            await using var connection = await OpenAsync(Settings.DataSource, server, cancellationToken).ConfigureAwait(false);
            await connection.ExecuteAsync(SqlServerStatements.DropRestoredDatabase(copy), (_, _) => { }, cancellationToken).ConfigureAwait(false);
            return Convert.ToInt32(await ScalarAsync(connection, SqlServerStatements.DatabaseExists(copy), cancellationToken).ConfigureAwait(false)) == 0;
        }
        catch (Exception ex) when (ex is SqlServerCommandException or ClusterBackupException)
        {
            return false;
        }
    }

    private Task<ISqlServerSession> OpenAsync(string dataSource, string server, CancellationToken cancellationToken) =>
        _connector.OpenAsync(dataSource, server, cancellationToken);

    private static Task<IReadOnlyList<SqlRow>> QueryAsync(ISqlServerSession session, SqlStatement statement, CancellationToken cancellationToken) =>
        session.QueryAsync(statement, cancellationToken);

    private static Task<object?> ScalarAsync(ISqlServerSession session, SqlStatement statement, CancellationToken cancellationToken) =>
        session.ScalarAsync(statement, cancellationToken);

    /// <summary>Runs a statement, turning its STATS messages into progress and the others into verbose lines.</summary>
    private static Task ExecuteAsync(ISqlServerSession session, SqlStatement statement, string activity, IOperationReporter reporter, CancellationToken cancellationToken) =>
        session.ExecuteAsync(statement, (number, message) =>
        {
            if (SqlServerResults.ParsePercent(number, message) is { } percent)
                reporter.Progress(activity, $"{percent} percent processed", percent);
            else
                reporter.Verbose(message);
        }, cancellationToken);

    private static async Task DropQuietlyAsync(ISqlServerSession connection, string database, IOperationReporter reporter)
    {
        try
        {
            // QUOTENAME on the server side: the name travels as a parameter and is quoted by SQL Server itself.
            var drop = new SqlStatement(
                "IF DB_ID(@database) IS NOT NULL BEGIN DECLARE @sql nvarchar(300) = N'DROP DATABASE ' + QUOTENAME(@database); EXEC (@sql); END;",
                [new SqlStatementParameter("@database", SqlDbType.NVarChar, database, TSql.MaxIdentifierLength)]);
            await ExecuteAsync(connection, drop, $"Removing {database}", reporter, CancellationToken.None).ConfigureAwait(false);
        }
        catch (SqlServerCommandException ex)
        {
            reporter.Warning($"The incomplete database '{database}' could not be removed: {ex.Message}");
        }
    }

    private static bool SameHost(string a, string b) =>
        string.Equals(a.Split('.')[0], b.Split('.')[0], StringComparison.OrdinalIgnoreCase);
}
