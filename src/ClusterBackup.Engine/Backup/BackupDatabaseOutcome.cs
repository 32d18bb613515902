using ClusterBackup.Engine.Catalog;
using ClusterBackup.Engine.Common;

namespace ClusterBackup.Engine.Backup;

/// <summary>
/// What became of one database of a backup request run database by database
/// (<see cref="BackupDatabaseOperation.RunEachAsync"/>): its backup sets, or the error that names it.
/// </summary>
/// <param name="Database">The database, as the request named it.</param>
/// <param name="Sets">The backup sets written for it; empty when it failed.</param>
/// <param name="Error">Why it failed (not found, no full backup before a log backup, ...); null when it succeeded.</param>
public sealed record BackupDatabaseOutcome(string Database, IReadOnlyList<BackupSet> Sets, ClusterBackupException? Error);
