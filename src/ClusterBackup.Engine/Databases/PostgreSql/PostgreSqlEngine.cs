using ClusterBackup.Engine.Catalog;
using ClusterBackup.Engine.Common;
using ClusterBackup.Engine.Configuration;

namespace ClusterBackup.Engine.Databases.PostgreSql;

/// <summary>
/// PostgreSQL through Npgsql and the server's own tools. A backup covers the whole server (instance):
/// PostgreSQL's physical backups and WAL are per server, so the database named in a request is checked to
/// exist and files the backup on the share, as SQL Server's layout does.
/// <list type="bullet">
/// <item>Full: <c>pg_basebackup -Ft -z -X stream</c> onto the share (base.tar.gz, pg_wal.tar.gz, backup_manifest).</item>
/// <item>Log: the WAL segments written since the previous backup, copied from the WAL archive that every node's
/// <c>archive_command</c> fills. The archive is chosen over <c>pg_receivewal</c> because PostgreSQL itself keeps
/// a segment until archive_command has succeeded, on whichever node is primary, so the chain has no gaps and
/// continues across a failover to the promoted standby with nothing changed by hand; pg_receivewal would need a
/// process running all the time and a replication slot, and slots do not follow a failover in PostgreSQL 15.
/// Each log backup closes the current segment (pg_switch_wal), waits until it is archived and records the WAL
/// range and timeline; after a failover it follows the new timeline's history file.</item>
/// <item>Verify: pg_verifybackup on the unpacked full backup; for log backups, WAL continuity along the chain from
/// the full, and each segment's header (address, size, system identifier).</item>
/// <item>Restore: unpack the full into a new data directory, put the chain's WAL where restore_command finds it,
/// run recovery to the point in time and stop the server cleanly.</item>
/// <item>Active node: the server not in recovery, tried through the virtual address first, then the cluster's nodes.</item>
/// </list>
/// Verified here on real PostgreSQL 15 (primary + streaming standby, promotion).
/// </summary>
public sealed class PostgreSqlEngine(ServerDefinition definition, PostgreSqlSettings settings) : IDatabaseEngine, IBackupSizeEstimator, IRestoredCopyChecker
{
    private readonly PostgreSqlConnector _postgres = new(definition, settings);

    public string Name => "PostgreSql";

    public PostgreSqlSettings Settings => settings;

    public Task<DatabaseServer> FindActiveServerAsync(string virtualServer, IReadOnlyList<string> candidates, string? database, CancellationToken cancellationToken) =>
        new PostgreSqlActiveServer(_postgres).FindAsync(virtualServer, candidates, database, cancellationToken);

    /// <summary>The databases that accept connections, without templates and the maintenance database.</summary>
    public Task<IReadOnlyList<string>> ListUserDatabasesAsync(DatabaseServer server, CancellationToken cancellationToken) =>
        new PostgreSqlActiveServer(_postgres).ListUserDatabasesAsync(server, cancellationToken);

    /// <summary>
    /// PostgreSQL has no differential backup: pg_basebackup copies the whole server, and the incremental backups of
    /// PostgreSQL 17 (pg_basebackup --incremental, pg_combinebackup) are not taken here. The changed-block backups of
    /// Backup-ChangedBlock copy a file's blocks, not a consistent server with its WAL, so they are no substitute.
    /// </summary>
    public string? WhyNotSupported(BackupType type, string database) => type == BackupType.Differential
        ? $"PostgreSQL has no native differential backup of '{database}': pg_basebackup always copies the whole server, and ClusterBackup " +
          "does not take PostgreSQL 17's incremental backups. Take a full backup, and log (WAL) backups between full backups for point-in-time restore."
        : null;

    public Task<EngineBackupResult> BackupAsync(EngineBackupRequest request, IOperationReporter reporter, CancellationToken cancellationToken) =>
        request.Type switch
        {
            BackupType.Full => new PostgreSqlFullBackup(_postgres).RunAsync(request, reporter, cancellationToken),
            BackupType.Log => new PostgreSqlLogBackup(_postgres).RunAsync(request, reporter, cancellationToken),
            _ => throw new ClusterBackupException(ErrorKind.InvalidOperation, request.Database, WhyNotSupported(request.Type, request.Database)!) { Cause = "DifferentialBackupNotSupported" },
        };

    public async Task<long?> EstimateBackupSizeAsync(EngineBackupRequest request, CancellationToken cancellationToken)
    {
        await using var connection = await _postgres.OpenAsync(request.Server.ConnectionTarget, _postgres.Settings.MaintenanceDatabase, cancellationToken).ConfigureAwait(false);
        if (request.Type == BackupType.Full)
            return await PostgreSqlConnector.ScalarAsync<long>(connection, "SELECT sum(pg_database_size(oid))::bigint FROM pg_database", cancellationToken).ConfigureAwait(false);
        var segmentSize = await PostgreSqlConnector.SegmentSizeAsync(connection, cancellationToken).ConfigureAwait(false);
        var current = WalLocation.ParseLsn(await PostgreSqlConnector.ScalarAsync<string>(connection, "SELECT pg_current_wal_lsn()::text", cancellationToken).ConfigureAwait(false));
        var start = request.PreviousInChain is { } previous ? PostgreSqlLogBackup.StartSegment(previous, segmentSize) * (ulong)segmentSize : current;
        return (long)(current > start ? current - start : 0) + 2 * segmentSize;
    }

    /// <summary>The server's own record of base backups: the *.backup history files it archives for each pg_basebackup.</summary>
    public Task<IReadOnlyList<EngineBackupRecord>> ListBackupsAsync(DatabaseServer server, string database, CancellationToken cancellationToken) =>
        new PostgreSqlBackupHistory(_postgres).ListAsync(database);

    public Task<VerifyResult> VerifyAsync(BackupSet backupSet, IReadOnlyList<BackupSet> chain, IOperationReporter reporter, CancellationToken cancellationToken) =>
        new PostgreSqlVerifier(_postgres).VerifyAsync(backupSet, chain, reporter, cancellationToken);

    public Task RestoreAsync(RestoreRequest request, IOperationReporter reporter, CancellationToken cancellationToken) =>
        new PostgreSqlRestore(_postgres).RunAsync(request, reporter, cancellationToken);

    /// <summary>Starts the restored data directory on a private socket, runs pg_amcheck on the database and stops it.</summary>
    public Task<VerifyResult> CheckRestoredCopyAsync(RestoreRequest restore, string database, IOperationReporter reporter, CancellationToken cancellationToken) =>
        new PostgreSqlRestoredCopyCheck(_postgres).RunAsync(Path.GetFullPath(restore.TargetLocation), database, reporter, cancellationToken);

    /// <summary>Removes the restored data directory.</summary>
    public Task<bool> RemoveRestoredCopyAsync(RestoreRequest restore, CancellationToken cancellationToken)
    {
        TryDelete.Directory(restore.TargetLocation);
        return Task.FromResult(!Directory.Exists(restore.TargetLocation));
    }
}
