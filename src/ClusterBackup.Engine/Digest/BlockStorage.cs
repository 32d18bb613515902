using System.Runtime.InteropServices;
using ClusterBackup.Engine.Common;
using Microsoft.Win32.SafeHandles;

namespace ClusterBackup.Engine.Digest;

/// <summary>
/// A file or a block device opened for positioned reads (and, for a repair target, writes).
/// Block devices report a size of zero through stat, so on Linux the size comes from
/// lseek(SEEK_END), which works for both. Positioned I/O (pread/pwrite) lets several workers
/// read their own regions of one handle at once.
/// <para>Verified on Linux with files and loop devices; on Windows files only, unverified on real Windows.</para>
/// </summary>
public sealed class BlockStorage : IDisposable
{
    private readonly FileStream _stream;

    private BlockStorage(string path, FileStream stream, bool writable)
    {
        Path = path;
        _stream = stream;
        Writable = writable;
        Length = QueryLength();
        // stat reports size 0 for a block device while lseek(SEEK_END) reports its capacity; a regular file agrees on both.
        IsDevice = OperatingSystem.IsLinux() && Length > 0 && _stream.Length == 0;
    }

    public string Path { get; }

    public bool Writable { get; }

    /// <summary>True for a block device: its size is fixed, so a repair can neither grow nor shrink it.</summary>
    public bool IsDevice { get; }

    public long Length { get; private set; }

    public SafeFileHandle Handle => _stream.SafeFileHandle;

    public static BlockStorage OpenRead(string path) => Open(path, writable: false, create: false);

    /// <summary>Opens a repair or restore target; <paramref name="create"/> makes a missing file (never a device).</summary>
    public static BlockStorage OpenWrite(string path, bool create) => Open(path, writable: true, create: create);

    private static BlockStorage Open(string path, bool writable, bool create)
    {
        var full = System.IO.Path.GetFullPath(path);
        if (!create && !File.Exists(full))
            throw new ClusterBackupException(ErrorKind.ObjectNotFound, full, $"'{full}' does not exist: no file or block device to digest.");
        try
        {
            var stream = new FileStream(full, new FileStreamOptions
            {
                Mode = create ? FileMode.OpenOrCreate : FileMode.Open,
                Access = writable ? FileAccess.ReadWrite : FileAccess.Read,
                Share = FileShare.ReadWrite,
                BufferSize = 0,
                Options = FileOptions.RandomAccess,
            });
            return new BlockStorage(full, stream, writable);
        }
        catch (FileNotFoundException ex)
        {
            throw new ClusterBackupException(ErrorKind.ObjectNotFound, full, $"'{full}' does not exist: no file or block device to digest.", ex);
        }
        catch (DirectoryNotFoundException ex)
        {
            throw new ClusterBackupException(ErrorKind.ObjectNotFound, full, $"The folder of '{full}' does not exist.", ex);
        }
        catch (UnauthorizedAccessException ex)
        {
            throw new ClusterBackupException(ErrorKind.PermissionDenied, full, $"No permission to open '{full}' for {(writable ? "writing" : "reading")}: {ex.Message}", ex);
        }
        catch (IOException ex)
        {
            throw new ClusterBackupException(writable ? ErrorKind.WriteError : ErrorKind.ReadError, full, $"Cannot open '{full}': {ex.Message}", ex);
        }
    }

    /// <summary>Reads until <paramref name="buffer"/> is full or the end is reached; returns the bytes read.</summary>
    public int ReadAt(long offset, Span<byte> buffer)
    {
        var total = 0;
        try
        {
            while (total < buffer.Length)
            {
                var read = RandomAccess.Read(Handle, buffer[total..], offset + total);
                if (read == 0)
                    break;
                total += read;
            }
        }
        catch (IOException ex)
        {
            throw new ClusterBackupException(ErrorKind.ReadError, Path, $"Read error on '{Path}' at offset {offset + total}: {ex.Message}", ex);
        }
        return total;
    }

    public void WriteAt(long offset, ReadOnlySpan<byte> data)
    {
        if (IsDevice && offset + data.Length > Length)
            throw new ClusterBackupException(ErrorKind.WriteError, Path, $"The block device '{Path}' ({Length} bytes) is smaller than the data to write (up to {offset + data.Length} bytes).");
        try
        {
            RandomAccess.Write(Handle, data, offset);
        }
        catch (IOException ex)
        {
            throw new ClusterBackupException(ErrorKind.WriteError, Path, $"Write error on '{Path}' at offset {offset}: {ex.Message}", ex);
        }
        Length = Math.Max(Length, offset + data.Length);
    }

    /// <summary>Truncates or extends a file; a block device keeps its size (the caller reports the difference).</summary>
    public void SetLength(long length)
    {
        if (IsDevice || length == Length)
            return;
        _stream.SetLength(length);
        Length = length;
    }

    /// <summary>Forces written data to stable storage (fsync), so a repair that reports success survives a crash.</summary>
    public void Flush()
    {
        try
        {
            _stream.Flush(flushToDisk: true);
        }
        catch (IOException ex)
        {
            throw new ClusterBackupException(ErrorKind.WriteError, Path, $"Cannot flush '{Path}' to disk: {ex.Message}", ex);
        }
    }

    public void Dispose() => _stream.Dispose();

    private long QueryLength()
    {
        if (!OperatingSystem.IsLinux())
            return _stream.Length;
        var end = NativeMethods.lseek((int)Handle.DangerousGetHandle(), 0, NativeMethods.SeekEnd);
        return end >= 0 ? end : _stream.Length;
    }

    private static class NativeMethods
    {
        public const int SeekEnd = 2;

        [DllImport("libc", SetLastError = true)]
        public static extern long lseek(int fd, long offset, int whence);
    }
}
