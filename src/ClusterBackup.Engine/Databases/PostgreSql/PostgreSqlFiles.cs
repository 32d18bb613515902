using System.Formats.Tar;
using System.IO.Compression;
using ClusterBackup.Engine.Catalog;
using ClusterBackup.Engine.Common;

namespace ClusterBackup.Engine.Databases.PostgreSql;

/// <summary>The files of a PostgreSQL backup set and the file handling the backup, verify and restore share.</summary>
internal static class PostgreSqlFiles
{
    public const string BaseArchive = "base.tar.gz";
    public const string WalArchive = "pg_wal.tar.gz";
    public const string Manifest = "backup_manifest";

    public static string FileNamed(BackupSet set, string name) =>
        set.Files.FirstOrDefault(f => Path.GetFileName(f.Path) == name)?.Path
        ?? throw new ClusterBackupException(ErrorKind.InvalidData, set.BackupSetId.ToString(), $"Backup set {set.BackupSetId} of '{set.Database}' has no {name}.");

    public static async Task ExtractAsync(string archive, string directory, CancellationToken cancellationToken)
    {
        Directory.CreateDirectory(directory);
        await using var file = File.OpenRead(archive);
        await using var gzip = new GZipStream(file, CompressionMode.Decompress);
        await TarFile.ExtractToDirectoryAsync(gzip, directory, overwriteFiles: false, cancellationToken).ConfigureAwait(false);
    }

    public static void CopyFile(string source, string destination, string share)
    {
        try
        {
            File.Copy(source, destination, overwrite: false);
        }
        catch (IOException ex) when (StorageErrors.IsDiskFull(ex))
        {
            throw ShareFull(share, ex.Message);
        }
    }

    internal static ClusterBackupException ShareFull(string directory, string detail) =>
        new(ErrorKind.ResourceUnavailable, directory, $"The backup share is full at '{directory}': {detail}");

    public static int FreePort()
    {
        using var listener = new System.Net.Sockets.TcpListener(System.Net.IPAddress.Loopback, 0);
        listener.Start();
        return ((System.Net.IPEndPoint)listener.LocalEndpoint).Port;
    }

}
