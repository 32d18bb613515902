using System.Runtime.InteropServices;
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
            try { FlushDirectory(directory); }
            catch (ClusterBackupException) { /* The file is in place; only the durability of its name across a power cut is in doubt. */ }
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

    /// <summary>
    /// Makes files written by another program (a database tool, a copy) durable before the catalog commit that names them:
    /// each file is flushed to disk (fsync), then each folder that holds one, and that folder's parent (a rename of the folder
    /// into place is an entry of the parent). A file that cannot be flushed is an error naming it.
    /// </summary>
    /// <returns>The folders flushed (on Windows none: NTFS journals its entries, and folders cannot be opened for a flush).</returns>
    public static IReadOnlyList<string> FlushToDisk(IEnumerable<string> files)
    {
        var folders = new List<string>();
        foreach (var file in files)
        {
            var full = Path.GetFullPath(file);
            if (OperatingSystem.IsWindows())
                try
                {
                    using var stream = new FileStream(full, FileMode.Open, FileAccess.ReadWrite, FileShare.ReadWrite);
                    stream.Flush(flushToDisk: true);
                }
                catch (UnauthorizedAccessException)
                {
                    // Written by a service that keeps it read-only to us (SQL Server writes its backups through to disk itself).
                }
                catch (IOException ex)
                {
                    throw new ClusterBackupException(ErrorKind.WriteError, full, $"Cannot flush '{full}' to disk: {ex.Message}", ex);
                }
            else
                FlushDescriptor(full, OReadOnly, "the file");
            var folder = Path.GetDirectoryName(full)!;
            if (!folders.Contains(folder))
                folders.Add(folder);
            if (Path.GetDirectoryName(folder) is { } parent && !folders.Contains(parent))
                folders.Add(parent);
        }
        var flushed = new List<string>();
        foreach (var folder in folders)
            if (FlushDirectory(folder))
                flushed.Add(folder);
        return flushed;
    }

    /// <summary>
    /// Flushes a folder's entries to disk (open with O_DIRECTORY, fsync), so a file created or renamed in it survives a power
    /// cut. Returns false where folders cannot be flushed (Windows); a failure on Linux is an error naming the folder.
    /// </summary>
    public static bool FlushDirectory(string folder)
    {
        if (OperatingSystem.IsWindows())
            return false;
        return FlushDescriptor(folder, ODirectoryReadOnly, "the folder");
    }

    private static bool FlushDescriptor(string path, int flags, string what)
    {
        var descriptor = Open(path, flags);
        if (descriptor < 0)
            throw new ClusterBackupException(ErrorKind.WriteError, path, $"Cannot open {what} '{path}' to flush it to disk: error {Marshal.GetLastPInvokeError()}.");
        try
        {
            if (Fsync(descriptor) != 0)
            {
                var error = Marshal.GetLastPInvokeError();
                // EINVAL: the file system cannot sync a folder (some network shares); the files themselves were flushed.
                if (error != EInval)
                    throw new ClusterBackupException(ErrorKind.WriteError, path, $"Cannot flush {what} '{path}' to disk: error {error}.");
                return false;
            }
            return true;
        }
        finally
        {
            _ = Close(descriptor);
        }
    }

    private const int EInval = 22;
    private const int OReadOnly = 0;
    // O_RDONLY | O_DIRECTORY (0x10000 on Linux x86-64 and arm64; 0x100000 on macOS).
    private static readonly int ODirectoryReadOnly = OperatingSystem.IsMacOS() ? 0x100000 : 0x10000;

    [DllImport("libc", EntryPoint = "open", SetLastError = true)]
    private static extern int Open([MarshalAs(UnmanagedType.LPUTF8Str)] string path, int flags);

    [DllImport("libc", EntryPoint = "fsync", SetLastError = true)]
    private static extern int Fsync(int descriptor);

    [DllImport("libc", EntryPoint = "close", SetLastError = true)]
    private static extern int Close(int descriptor);
}
