using System.Runtime.InteropServices;
using ClusterBackup.Engine.Common;

namespace ClusterBackup.Engine.Digest.Remote;

/// <summary>
/// The file, device or folder a digest endpoint serves (<c>--root</c>), and the one way the endpoint opens a path under it.
/// A requested path is resolved (every symbolic link followed) and refused outside the root; then it is opened, and on
/// Linux the file the handle really is (<c>/proc/self/fd/N</c>) is checked against the root again before anything is
/// read or written through it. So a symbolic link swapped in between the check and the open cannot make a repair
/// write, or a digest read, outside the root: the open has no effect of its own (no create, no truncate), and the
/// handle is closed when it names another file. On Windows only the name is checked (unverified on real Windows).
/// </summary>
internal sealed class DigestServedRoot
{
    /// <summary>The pause point between the name check and the open, where the tests swap a symbolic link in.</summary>
    public const string PathCheckedPausePoint = "digest.path-checked";

    public DigestServedRoot(string root) =>
        Path = RealPath(root).TrimEnd(System.IO.Path.DirectorySeparatorChar) is { Length: > 0 } r ? r : "/";

    public string Path { get; }

    /// <summary>The requested path with its links resolved, or a refusal naming it when it is outside the root.</summary>
    public string Resolve(string requested, string peer)
    {
        var path = RealPath(requested);
        if (!IsServed(path))
            throw new ClusterBackupException(ErrorKind.PermissionDenied, path,
                $"{peer} asked for '{path}': the path is not served by this endpoint (it serves '{Path}').") { Cause = "PathOutsideRoot" };
        return path;
    }

    /// <summary>Opens a resolved path for digesting, or for a repair, and proves the opened file is under the root.</summary>
    public BlockStorage Open(string path, bool write, string peer, CancellationToken token)
    {
        PausePoint.Reach(PathCheckedPausePoint, token);
        var storage = write ? BlockStorage.OpenWrite(path, create: false) : BlockStorage.OpenRead(path);
        var opened = OpenedPath(storage);
        if (opened is null || IsServed(opened))
            return storage;
        storage.Dispose();
        throw new ClusterBackupException(ErrorKind.PermissionDenied, path,
            $"{peer} asked for '{path}', which was replaced while it was opened and is now '{opened}': that path is not served by this endpoint (it serves '{Path}'); nothing was {(write ? "written" : "read")}.") { Cause = "PathOutsideRoot" };
    }

    private bool IsServed(string path) =>
        path == Path || path.StartsWith(Path == "/" ? "/" : Path + System.IO.Path.DirectorySeparatorChar, StringComparison.Ordinal);

    /// <summary>The path of the file behind the handle (Linux), or null where the system does not say.</summary>
    private static string? OpenedPath(BlockStorage storage)
    {
        if (!OperatingSystem.IsLinux())
            return null;
        var link = $"/proc/self/fd/{storage.Handle.DangerousGetHandle()}";
        var target = new FileInfo(link).LinkTarget;
        // A file removed since the open still names where it was; either way it is no longer the file under the root.
        return target ?? throw new ClusterBackupException(ErrorKind.ReadError, storage.Path, $"Cannot tell which file '{storage.Path}' opened ({link} is not readable).");
    }

    /// <summary>The canonical path with every symbolic link resolved (Linux); the full path elsewhere or when it does not exist.</summary>
    private static string RealPath(string path)
    {
        var full = System.IO.Path.GetFullPath(path);
        if (!OperatingSystem.IsLinux())
            return full;
        var resolved = realpath(full, IntPtr.Zero);
        if (resolved == IntPtr.Zero)
            return full;
        try { return Marshal.PtrToStringUTF8(resolved) ?? full; }
        finally { free(resolved); }
    }

    [DllImport("libc", SetLastError = true)]
    private static extern IntPtr realpath([MarshalAs(UnmanagedType.LPUTF8Str)] string path, IntPtr resolved);

    [DllImport("libc")]
    private static extern void free(IntPtr pointer);
}
