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

/// <summary>Reads /proc/self/mounts to find the file system a path lives on.</summary>
internal static class LinuxMountTable
{
    private static readonly string[] NetworkTypes = ["nfs", "nfs4", "cifs", "smb3", "smbfs", "9p", "ceph", "glusterfs", "fuse.sshfs", "afs"];

    public static bool IsNetworkFileSystem(string type) => NetworkTypes.Contains(type, StringComparer.OrdinalIgnoreCase);

    public static string? FileSystemTypeOf(string path)
    {
        const string mounts = "/proc/self/mounts";
        if (!File.Exists(mounts))
            return null;
        var full = Path.GetFullPath(path);
        string? bestType = null;
        var bestLength = -1;
        foreach (var line in File.ReadLines(mounts))
        {
            var fields = line.Split(' ');
            if (fields.Length < 3)
                continue;
            var mountPoint = fields[1].Replace("\\040", " ");
            var isUnder = full == mountPoint || full.StartsWith(mountPoint.TrimEnd('/') + "/", StringComparison.Ordinal);
            if (isUnder && mountPoint.Length > bestLength)
            {
                bestLength = mountPoint.Length;
                bestType = fields[2];
            }
        }
        return bestType;
    }
}
