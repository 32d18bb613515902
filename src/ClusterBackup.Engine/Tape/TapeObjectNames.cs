using ClusterBackup.Engine.Backup;
using ClusterBackup.Engine.Catalog;

namespace ClusterBackup.Engine.Tape;

/// <summary>
/// The names of tape objects that are files of backup sets. An object's identity includes its backup set, so its name does:
/// <c>{VirtualServer}/{Database}/{backup set}/{file}</c>, where the backup set's folder is its file stem on the share
/// (<c>{VirtualServer}_{Database}_{FULL|LOG}_{yyyyMMdd_HHmmss}_{first 8 hex digits of the backup set id}</c>, docs/share-layout.md).
/// Two full backups of one database thus never share a name, and a restore puts each backup set in its own folder.
/// </summary>
public static class TapeObjectNames
{
    /// <summary>The folder of a backup set's objects below the database: its file stem on the share.</summary>
    public static string SetFolder(string virtualServer, string database, BackupType type, DateTimeOffset started, Guid backupSetId) =>
        ShareLayout.FileStem(virtualServer, database, type, started, backupSetId);

    /// <summary>The tape name of <paramref name="file"/> of <paramref name="set"/>.</summary>
    public static string For(BackupSet set, BackupFile file) =>
        ForFile(set.VirtualServer, set.Database, set.Type, set.Started, set.BackupSetId, Path.GetFileName(file.Path));

    /// <summary>The tape name of a file called <paramref name="fileName"/> of the backup set described by the other arguments.</summary>
    public static string ForFile(string virtualServer, string database, BackupType type, DateTimeOffset started, Guid backupSetId, string fileName) =>
        $"{ShareLayout.SafeName(virtualServer)}/{ShareLayout.SafeName(database)}/{SetFolder(virtualServer, database, type, started, backupSetId)}/{fileName}";
}
