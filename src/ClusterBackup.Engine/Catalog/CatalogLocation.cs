namespace ClusterBackup.Engine.Catalog;

/// <summary>
/// Where the catalog lives. The default is on the backup server's local disk:
/// <c>%ProgramData%\ClusterBackup\catalog.db</c> on Windows, <c>/var/lib/clusterbackup/catalog.db</c>
/// elsewhere. <c>CLUSTERBACKUP_CATALOG</c> or an explicit path overrides it.
/// </summary>
public static class CatalogLocation
{
    public const string EnvironmentVariable = "CLUSTERBACKUP_CATALOG";

    public static string Resolve(string? explicitPath = null)
    {
        if (!string.IsNullOrWhiteSpace(explicitPath))
            return Path.GetFullPath(explicitPath);
        var fromEnvironment = Environment.GetEnvironmentVariable(EnvironmentVariable);
        if (!string.IsNullOrWhiteSpace(fromEnvironment))
            return Path.GetFullPath(fromEnvironment);
        return DefaultPath;
    }

    public static string DefaultPath => OperatingSystem.IsWindows()
        ? Path.Combine(Environment.GetFolderPath(Environment.SpecialFolder.CommonApplicationData), "ClusterBackup", "catalog.db")
        : "/var/lib/clusterbackup/catalog.db";

    /// <summary>
    /// True when the path is on a network file system, where SQLite's locking is not safe:
    /// a UNC path, or on Linux a mount of type nfs, cifs, smb3 or similar.
    /// </summary>
    public static bool IsNetworkPath(string path)
    {
        if (path.StartsWith(@"\\", StringComparison.Ordinal) || path.StartsWith("//", StringComparison.Ordinal))
            return true;
        if (OperatingSystem.IsWindows())
        {
            var root = Path.GetPathRoot(Path.GetFullPath(path));
            return root is not null && new DriveInfo(root).DriveType == DriveType.Network;
        }
        return LinuxMountTable.FileSystemTypeOf(path) is { } type && LinuxMountTable.IsNetworkFileSystem(type);
    }
}
