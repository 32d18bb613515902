namespace ClusterBackup.Engine.Catalog;

/// <summary>
/// Where the catalog lives. The default is on the backup server's local disk:
/// <c>%ProgramData%\ClusterBackup\catalog.db</c> on Windows, <c>/var/lib/clusterbackup/catalog.db</c>
/// elsewhere. <c>CLUSTERBACKUP_CATALOG</c> or an explicit path overrides it.
/// </summary>
public static class CatalogLocation
{
    public const string EnvironmentVariable = "CLUSTERBACKUP_CATALOG";

    /// <summary>The explicit path, else <c>CLUSTERBACKUP_CATALOG</c>, else the default.</summary>
    /// <param name="explicitPath">The path the admin passed, if any.</param>
    public static string Resolve(string? explicitPath = null) => Resolve(explicitPath, Environment.GetEnvironmentVariable);

    /// <summary>As <see cref="Resolve(string?)"/>, reading the environment through <paramref name="readEnvironment"/>.</summary>
    /// <param name="explicitPath">The path the admin passed, if any.</param>
    /// <param name="readEnvironment">Reads one environment variable; tests pass their own environment.</param>
    public static string Resolve(string? explicitPath, Func<string, string?> readEnvironment)
    {
        if (!string.IsNullOrWhiteSpace(explicitPath))
            return Path.GetFullPath(explicitPath);
        var fromEnvironment = readEnvironment(EnvironmentVariable);
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
