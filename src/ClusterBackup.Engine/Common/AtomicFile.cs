using System.Text;

namespace ClusterBackup.Engine.Common;

/// <summary>
/// Writes a whole file so that a reader sees either the old content or the new, never half of it: a uniquely
/// named temporary file in the same folder, flushed to disk, then renamed over the target. A failure removes
/// the temporary file and names the target and the cause. The one writer for text and binary files.
/// </summary>
public static class AtomicFile
{
    private static readonly Encoding Utf8NoBom = new UTF8Encoding(false);

    /// <param name="path">The file to replace or create; its folder is created when missing.</param>
    /// <param name="content">The whole new content.</param>
    /// <param name="what">What the file is, for the error message ("the schedule", "the library state").</param>
    /// <param name="encoding">Defaults to UTF-8 without a byte order mark.</param>
    public static void WriteAllText(string path, string content, string what = "the file", Encoding? encoding = null) =>
        Write(path, stream =>
        {
            stream.Write((encoding ?? Utf8NoBom).GetPreamble());
            stream.Write((encoding ?? Utf8NoBom).GetBytes(content));
        }, what);

    /// <summary>Writes bytes whole, as <see cref="WriteAllText"/> writes text.</summary>
    /// <param name="path">The file to replace or create; its folder is created when missing.</param>
    /// <param name="content">The whole new content.</param>
    /// <param name="what">What the file is, for the error message.</param>
    public static void WriteAllBytes(string path, byte[] content, string what = "the file") =>
        Write(path, stream => stream.Write(content), what);

    /// <summary>Writes a file through a stream on its temporary name; the stream is flushed to disk before the rename.</summary>
    /// <param name="path">The file to replace or create; its folder is created when missing.</param>
    /// <param name="write">Writes the whole content; an exception from it leaves the target untouched.</param>
    /// <param name="what">What the file is, for the error message.</param>
    /// <param name="overwrite">False: an existing target is an error, and is kept.</param>
    public static void Write(string path, Action<FileStream> write, string what = "the file", bool overwrite = true) =>
        Write(path, stream => { write(stream); return 0; }, what, overwrite);

    /// <summary>As <see cref="Write(string, Action{FileStream}, string, bool)"/>, returning what the writer returns.</summary>
    /// <param name="path">The file to replace or create; its folder is created when missing.</param>
    /// <param name="write">Writes the whole content; an exception from it leaves the target untouched.</param>
    /// <param name="what">What the file is, for the error message.</param>
    /// <param name="overwrite">False: an existing target is an error, and is kept.</param>
    public static T Write<T>(string path, Func<FileStream, T> write, string what = "the file", bool overwrite = true)
    {
        T result = default!;
        WriteThrough(path, temporary =>
        {
            using var stream = new FileStream(temporary, FileMode.CreateNew, FileAccess.Write, FileShare.None, 1 << 16);
            result = write(stream);
            stream.Flush(flushToDisk: true);
        }, what, overwrite, flushed: true);
        return result;
    }

    /// <summary>
    /// For writers that open the file themselves (block storage, a tool): <paramref name="write"/> fills the
    /// temporary path it is given; the file is then flushed to disk and renamed over the target.
    /// </summary>
    /// <param name="path">The file to replace or create; its folder is created when missing.</param>
    /// <param name="write">Writes the whole content to the temporary path; an exception from it leaves the target untouched.</param>
    /// <param name="what">What the file is, for the error message.</param>
    /// <param name="overwrite">False: an existing target is an error, and is kept.</param>
    public static void WriteThrough(string path, Action<string> write, string what = "the file", bool overwrite = true) =>
        WriteThrough(path, write, what, overwrite, flushed: false);

    private static void WriteThrough(string path, Action<string> write, string what, bool overwrite, bool flushed)
    {
        var full = Path.GetFullPath(path);
        var directory = Path.GetDirectoryName(full)!;
        var temporary = Path.Combine(directory, $".{Path.GetFileName(full)}.{Guid.NewGuid():N}.tmp");
        try
        {
            Directory.CreateDirectory(directory);
            write(temporary);
            if (!flushed)
                using (var stream = new FileStream(temporary, FileMode.Open, FileAccess.ReadWrite, FileShare.None))
                    stream.Flush(flushToDisk: true);
            File.Move(temporary, full, overwrite);
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
        {
            TryDelete.File(temporary);
            throw new ClusterBackupException(ErrorKind.WriteError, full, $"Cannot write {what} '{full}': {ex.Message}", ex);
        }
        catch
        {
            TryDelete.File(temporary);
            throw;
        }
    }
}
