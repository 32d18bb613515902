namespace ClusterBackup.Engine.Catalog;

/// <summary>
/// What a backup holds. A differential holds the extents changed since the latest full backup (its differential base);
/// a restore applies the full, the latest differential after it, then the logs after that differential. Only SQL Server
/// takes differentials; PostgreSQL has no native differential backup and refuses one.
/// </summary>
public enum BackupType { Full, Log, Differential }

public enum BackupSetStatus { Running, Completed, Failed }

public enum MediaSetStatus { Active, Superseded, Retired }

/// <summary>One file of a backup set on the share, with the SHA-256 recorded when it was written.</summary>
/// <param name="Path">Full path of the file on the share.</param>
/// <param name="SizeBytes">Length in bytes.</param>
/// <param name="Sha256">Lower-case hex SHA-256 of the content.</param>
public sealed record BackupFile(string Path, long SizeBytes, string Sha256);

/// <summary>
/// A media set on the share: the backups of one server, database and backup type that a
/// WITH INIT started and NOINIT appends to. A new INIT supersedes the previous one rather than
/// destroying it; deleting superseded media sets is a retention decision.
/// </summary>
public sealed record MediaSet(
    string MediaSetId,
    string VirtualServer,
    string Database,
    BackupType BackupType,
    string SharePath,
    DateTimeOffset Created,
    MediaSetStatus Status,
    DateTimeOffset? Superseded = null,
    string? SupersededBy = null);

/// <summary>A backup of one database, as the catalog records it.</summary>
public sealed record BackupSet
{
    public required Guid BackupSetId { get; init; }
    public required string Cluster { get; init; }
    public required string VirtualServer { get; init; }
    /// <summary>The physical node that was active and ran the backup.</summary>
    public required string Node { get; init; }
    public required string Database { get; init; }
    /// <summary>"SqlServer" or "PostgreSql".</summary>
    public required string Engine { get; init; }
    public required BackupType Type { get; init; }
    /// <summary>True when the backup started a new media set (WITH INIT).</summary>
    public required bool Initialize { get; init; }
    public bool CopyOnly { get; init; }
    public required string MediaSetId { get; init; }
    /// <summary>1-based position of the backup set within its media set.</summary>
    public int Position { get; init; }
    public required DateTimeOffset Started { get; init; }
    public DateTimeOffset? Finished { get; init; }
    public long SizeBytes { get; init; }
    public IReadOnlyList<BackupFile> Files { get; init; } = [];
    /// <summary>First LSN (SQL Server) or WAL start location (PostgreSQL).</summary>
    public string? FirstLsn { get; init; }
    /// <summary>Last LSN (SQL Server) or WAL end location (PostgreSQL).</summary>
    public string? LastLsn { get; init; }
    /// <summary>SQL Server, a full backup: its checkpoint LSN (msdb backupset.checkpoint_lsn), which the differentials based on it name.</summary>
    public string? CheckpointLsn { get; init; }
    /// <summary>
    /// SQL Server, a differential: the checkpoint LSN of the full backup it is based on (msdb backupset.differential_base_lsn);
    /// null for other backups, or when msdb had no record of the backup.
    /// </summary>
    public string? DifferentialBaseLsn { get; init; }
    /// <summary>PostgreSQL timeline id; null for SQL Server.</summary>
    public string? Timeline { get; init; }
    /// <summary>SHA-256 over the files' SHA-256 values in path order: one value that names the whole set.</summary>
    public string? Checksum { get; init; }
    public BackupSetStatus Status { get; init; }
    public bool Verified { get; init; }
    public DateTimeOffset? VerifiedAt { get; init; }
    public string? Error { get; init; }

    public TimeSpan? Duration => Finished - Started;
}
