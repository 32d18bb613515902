namespace ClusterBackup.Engine.Common;

/// <summary>
/// Best-effort removal of temporary, partial and scratch files on clean-up paths, where a file that cannot be
/// removed must not hide the error being reported. Nothing here throws for a missing or locked file.
/// </summary>
public static class TryDelete
{
    /// <summary>Deletes a file if it can; a missing file is not an error.</summary>
    public static void File(string path)
    {
        try { System.IO.File.Delete(path); }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException) { }
    }

    /// <summary>Deletes a folder and everything in it, if it can.</summary>
    public static void Directory(string path)
    {
        try
        {
            if (System.IO.Directory.Exists(path))
                System.IO.Directory.Delete(path, recursive: true);
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException) { }
    }

    /// <summary>Deletes a folder only when it is empty, if it can.</summary>
    public static void DirectoryIfEmpty(string path)
    {
        try
        {
            if (System.IO.Directory.Exists(path) && !System.IO.Directory.EnumerateFileSystemEntries(path).Any())
                System.IO.Directory.Delete(path);
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException) { }
    }
}
