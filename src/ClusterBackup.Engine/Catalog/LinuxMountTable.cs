namespace ClusterBackup.Engine.Catalog;

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
