using ClusterBackup.Engine.Common;

namespace ClusterBackup.Engine.Databases;

/// <summary>
/// An engine that can prove a restored copy usable: start it and run its own consistency check (PostgreSQL: the
/// copy started on a private socket and pg_amcheck; SQL Server: DBCC CHECKDB on the restored database). Used by
/// Test-ClusterDbBackup -Restore, after a restore into a scratch location; the copy is removed afterwards by the caller.
/// </summary>
public interface IRestoredCopyChecker
{
    /// <summary>Starts the copy that <paramref name="restore"/> made, checks <paramref name="database"/> in it and stops it.</summary>
    /// <param name="restore">The restore that made the copy: its target location (a data directory) or target database.</param>
    /// <param name="database">The database to check in the copy.</param>
    /// <param name="reporter">Progress and steps.</param>
    /// <param name="cancellationToken">Stops the check; the copy is stopped either way.</param>
    Task<VerifyResult> CheckRestoredCopyAsync(RestoreRequest restore, string database, IOperationReporter reporter, CancellationToken cancellationToken);

    /// <summary>Removes the copy that <paramref name="restore"/> made; false when some of it is left.</summary>
    /// <param name="restore">The restore that made the copy.</param>
    /// <param name="cancellationToken">Stops waiting; the copy may then be left.</param>
    Task<bool> RemoveRestoredCopyAsync(RestoreRequest restore, CancellationToken cancellationToken);
}
