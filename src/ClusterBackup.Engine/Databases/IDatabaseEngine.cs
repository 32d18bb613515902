using ClusterBackup.Engine.Catalog;
using ClusterBackup.Engine.Common;

namespace ClusterBackup.Engine.Databases;

/// <summary>The server a backup runs against: the virtual server name and the node that is active now.</summary>
/// <param name="VirtualServer">The name clients use; backups are filed under it so paths survive a failover.</param>
/// <param name="Node">The physical node running the server now.</param>
/// <param name="ConnectionTarget">What the engine connects to: a host[:port], an instance name, a connection string.</param>
public sealed record DatabaseServer(string VirtualServer, string Node, string ConnectionTarget);

/// <summary>One backup to take.</summary>
/// <param name="Server">The server to back up, with the node active now.</param>
/// <param name="Database">The database to back up.</param>
/// <param name="Type">Full, differential or log.</param>
/// <param name="Directory">The media-set folder on the share the engine writes into (already created).</param>
/// <param name="FileStem">File name without extension, unique for this backup set; the engine adds its own extensions.</param>
/// <param name="Initialize">WITH INIT: this backup starts a new media set.</param>
/// <param name="CopyOnly">Outside the chain: later log backups do not follow it.</param>
/// <param name="Checksum">Ask the engine for its strongest checksums.</param>
/// <param name="PreviousInChain">The backup this one follows, from the catalog: for a log the previous log (or the full), for a
/// differential the full backup it is based on, for a full the last completed backup of any type.</param>
public sealed record EngineBackupRequest(
    DatabaseServer Server,
    string Database,
    BackupType Type,
    string Directory,
    string FileStem,
    bool Initialize,
    bool CopyOnly,
    bool Checksum,
    BackupSet? PreviousInChain);

/// <summary>What the engine wrote. File paths must be final (renamed from their temporary names).</summary>
public sealed record EngineBackupResult(
    IReadOnlyList<string> Files,
    string? FirstLsn,
    string? LastLsn,
    string? Timeline,
    DateTimeOffset Started,
    DateTimeOffset Finished)
{
    /// <summary>SQL Server, a full backup: its checkpoint LSN, the base its differentials name.</summary>
    public string? CheckpointLsn { get; init; }

    /// <summary>SQL Server, a differential: the checkpoint LSN of the full backup it is based on.</summary>
    public string? DifferentialBaseLsn { get; init; }
}

public sealed record VerifyResult(bool Succeeded, IReadOnlyList<string> Problems);

/// <summary>Restore a chain of backup sets into a new location, up to a point in time.</summary>
/// <param name="Chain">A full backup, then at most one differential based on it, then the log backups after them, in order.</param>
/// <param name="TargetLocation">A new data directory (PostgreSQL) or a new database name plus file folder (SQL Server).</param>
/// <param name="PointInTime">Stop here; null restores everything in the chain.</param>
/// <param name="TargetDatabase">SQL Server: the new database name. PostgreSQL restores the whole server and ignores it.</param>
public sealed record RestoreRequest(IReadOnlyList<BackupSet> Chain, string TargetLocation, DateTimeOffset? PointInTime, string? TargetDatabase = null);

/// <summary>
/// A database engine ClusterBackup can back up: full, log and (where the engine has them) differential backups onto the share, listing the
/// server's own record of backups, verifying a backup, and restoring to a point in time into a new
/// location. Implementations: SqlServer (Microsoft.Data.SqlClient, T-SQL BACKUP/RESTORE) and PostgreSql
/// (Npgsql plus pg_basebackup / WAL / pg_verifybackup).
/// </summary>
public interface IDatabaseEngine
{
    /// <summary>"SqlServer" or "PostgreSql": the value recorded in the catalog.</summary>
    string Name { get; }

    /// <summary>
    /// Finds the active node among <paramref name="candidates"/> (the cluster's owner first, then the other nodes)
    /// and checks that <paramref name="database"/> exists there (null checks no database). Errors name the server, node and database.
    /// </summary>
    Task<DatabaseServer> FindActiveServerAsync(string virtualServer, IReadOnlyList<string> candidates, string? database, CancellationToken cancellationToken);

    /// <summary>The user databases of the active server, by name: not the system databases, templates or snapshots.</summary>
    Task<IReadOnlyList<string>> ListUserDatabasesAsync(DatabaseServer server, CancellationToken cancellationToken);

    /// <summary>
    /// Why this engine cannot take a backup of <paramref name="type"/> of <paramref name="database"/>; null when it can. Asked
    /// before anything is written, so a refused backup leaves no file and no change in the catalog.
    /// </summary>
    string? WhyNotSupported(BackupType type, string database);

    Task<EngineBackupResult> BackupAsync(EngineBackupRequest request, IOperationReporter reporter, CancellationToken cancellationToken);

    /// <summary>The backups the server itself records (msdb.backupset, or the archive's history).</summary>
    Task<IReadOnlyList<EngineBackupRecord>> ListBackupsAsync(DatabaseServer server, string database, CancellationToken cancellationToken);

    Task<VerifyResult> VerifyAsync(BackupSet backupSet, IReadOnlyList<BackupSet> chain, IOperationReporter reporter, CancellationToken cancellationToken);

    Task RestoreAsync(RestoreRequest request, IOperationReporter reporter, CancellationToken cancellationToken);
}

/// <summary>A backup as the database server records it.</summary>
public sealed record EngineBackupRecord(string Database, BackupType Type, DateTimeOffset Started, DateTimeOffset Finished, string? FirstLsn, string? LastLsn, IReadOnlyList<string> Files);
