using System.Globalization;
using ClusterBackup.Engine.Catalog;

namespace ClusterBackup.Engine.Backup;

/// <summary>
/// Where backups go on the share: <c>{share}/{VirtualServer}/{Database}/{FULL|DIFF|LOG}/{media set}/{backup}</c>, like
/// Ola Hallengren's <c>{ServerName}</c> layout. The virtual server name, not the node, keeps the paths the same
/// across a failover. A media set folder holds the backups that one INIT started and later NOINITs appended.
/// </summary>
public static class ShareLayout
{
    /// <summary>FULL, DIFF or LOG, as Ola Hallengren's DatabaseBackup names the backup types.</summary>
    public static string TypeFolder(BackupType type) => type switch
    {
        BackupType.Full => "FULL",
        BackupType.Differential => "DIFF",
        _ => "LOG",
    };

    public static string DatabaseFolder(string share, string virtualServer, string database, BackupType type) =>
        Path.Combine(share, SafeName(virtualServer), SafeName(database), TypeFolder(type));

    /// <summary>A new media set id: a random part first (listings shorten ids to it), then the creation time.</summary>
    public static string NewMediaSetId(DateTimeOffset now) =>
        $"{Guid.NewGuid().ToString("N")[..8]}-{now.UtcDateTime.ToString("yyyyMMdd'T'HHmmss'Z'", CultureInfo.InvariantCulture)}";

    /// <summary>File stem of one backup, like Ola Hallengren's {ServerName}_{DatabaseName}_{BackupType}_{Timestamp}.</summary>
    public static string FileStem(string virtualServer, string database, BackupType type, DateTimeOffset now, Guid backupSetId) =>
        $"{SafeName(virtualServer)}_{SafeName(database)}_{TypeFolder(type)}_{now.UtcDateTime.ToString("yyyyMMdd_HHmmss", CultureInfo.InvariantCulture)}_{backupSetId.ToString("N")[..8]}";

    /// <summary>Names become single path components: separators and characters Windows refuses become '_'.</summary>
    public static string SafeName(string name)
    {
        var invalid = new HashSet<char>(Path.GetInvalidFileNameChars()) { '/', '\\', ':', '*', '?', '"', '<', '>', '|' };
        var safe = new string(name.Select(c => invalid.Contains(c) || char.IsControl(c) ? '_' : c).ToArray());
        return safe is "." or ".." ? safe.Replace('.', '_') : safe;
    }
}
