using ClusterBackup.Engine.Catalog;
using ClusterBackup.Engine.Common;

namespace ClusterBackup.Engine.Backup;

/// <summary>
/// What became of one database of a backup request: its recorded backup set, its error, or both (a backup set that
/// was written and recorded, then failed verification). Each database of a request has one, in the order asked,
/// so one database that fails neither stops the others nor hides the ones already backed up.
/// </summary>
/// <param name="Database">The database, as named in the request.</param>
/// <param name="BackupSet">The recorded backup set, when one was written.</param>
/// <param name="Error">Why the database was not backed up, or why its backup did not verify.</param>
public sealed record DatabaseBackupOutcome(string Database, BackupSet? BackupSet, ClusterBackupException? Error)
{
    /// <summary>Backed up, recorded and, when verification was asked for, verified.</summary>
    public bool Succeeded => BackupSet is not null && Error is null;
}
