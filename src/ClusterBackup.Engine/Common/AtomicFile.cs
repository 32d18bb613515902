using System.Text;

namespace ClusterBackup.Engine.Common;

/// <summary>
/// Writes a whole file so that a reader sees either the old content or the new, never half of it: a uniquely
/// named temporary file in the same folder, flushed to disk, then renamed over the target. A failure removes
/// the temporary file and names the target and the cause.
/// </summary>
public static class AtomicFile
{
    private static readonly Encoding Utf8NoBom = new UTF8Encoding(false);

    /// <param name="path">The file to replace or create; its folder must exist.</param>
    /// <param name="content">The whole new content.</param>
    /// <param name="what">What the file is, for the error message ("the schedule", "the library state").</param>
    /// <param name="encoding">Defaults to UTF-8 without a byte order mark.</param>
    public static void WriteAllText(string path, string content, string what = "the file", Encoding? encoding = null)
    {
        var full = Path.GetFullPath(path);
        var directory = Path.GetDirectoryName(full)!;
        var temporary = Path.Combine(directory, $".{Path.GetFileName(full)}.{Guid.NewGuid():N}.tmp");
        try
        {
            Directory.CreateDirectory(directory);
            using (var stream = new FileStream(temporary, FileMode.CreateNew, FileAccess.Write))
            {
                stream.Write((encoding ?? Utf8NoBom).GetPreamble());
                stream.Write((encoding ?? Utf8NoBom).GetBytes(content));
                stream.Flush(flushToDisk: true);
            }
            File.Move(temporary, full, overwrite: true);
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
        {
            try { File.Delete(temporary); } catch (IOException) { } catch (UnauthorizedAccessException) { }
            throw new ClusterBackupException(ErrorKind.WriteError, full, $"Cannot write {what} '{full}': {ex.Message}", ex);
        }
    }
}
