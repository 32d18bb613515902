using System.Diagnostics;

namespace ClusterBackup.Engine.Tests.Digests;

/// <summary>
/// A loop device over a file in a private folder, optionally formatted XFS with reflink and mounted.
/// Needs root and util-linux/xfsprogs; <see cref="RootLoopFactAttribute"/> skips the test otherwise.
/// Dispose unmounts and detaches even when the test failed.
/// </summary>
internal sealed class LoopDevice : IDisposable
{
    private readonly TempDirectory _dir = new("loop");
    private bool _mounted;

    private LoopDevice(long size)
    {
        BackingFile = _dir.Combine("backing.img");
        using (var stream = File.Create(BackingFile))
            stream.SetLength(size);
        Device = Run("losetup", "-f", "--show", BackingFile).Trim();
    }

    public string BackingFile { get; }
    public string Device { get; }
    public string MountPoint => _dir.Combine("mnt");

    public static LoopDevice Attach(long size) => new(size);

    /// <summary>A loop device formatted XFS with reflink=1 and mounted at <see cref="MountPoint"/>.</summary>
    public static LoopDevice MountXfsWithReflink(long size = 512L * 1024 * 1024)
    {
        var loop = new LoopDevice(size);
        try
        {
            Run("mkfs.xfs", "-q", "-f", "-m", "reflink=1", loop.Device);
            Directory.CreateDirectory(loop.MountPoint);
            Run("mount", loop.Device, loop.MountPoint);
            loop._mounted = true;
            return loop;
        }
        catch
        {
            loop.Dispose();
            throw;
        }
    }

    public void Dispose()
    {
        if (_mounted)
        {
            try { Run("umount", MountPoint); }
            catch (InvalidOperationException) { TryRun("umount", "-l", MountPoint); }
        }
        TryRun("losetup", "-d", Device);
        _dir.Dispose();
    }

    public static string Run(string tool, params string[] arguments)
    {
        var info = new ProcessStartInfo(tool, arguments) { RedirectStandardOutput = true, RedirectStandardError = true };
        using var process = Process.Start(info)!;
        var output = process.StandardOutput.ReadToEnd();
        var error = process.StandardError.ReadToEnd();
        process.WaitForExit();
        if (process.ExitCode != 0)
            throw new InvalidOperationException($"{tool} {string.Join(' ', arguments)} failed ({process.ExitCode}): {error}");
        return output;
    }

    private static void TryRun(string tool, params string[] arguments)
    {
        try { Run(tool, arguments); }
        catch (Exception ex) when (ex is InvalidOperationException or System.ComponentModel.Win32Exception) { }
    }
}

/// <summary>A fact that runs only as root with losetup and mkfs.xfs installed; otherwise skipped with the reason.</summary>
public sealed class RootLoopFactAttribute : FactAttribute
{
    public RootLoopFactAttribute()
    {
        if (!OperatingSystem.IsLinux())
            Skip = "Loop devices and XFS reflink need Linux.";
        else if (Environment.UserName != "root")
            Skip = "Loop devices need root; run the tests as root to include this one.";
        else if (!new[] { "/usr/sbin/losetup", "/sbin/losetup" }.Any(File.Exists) || !new[] { "/usr/sbin/mkfs.xfs", "/sbin/mkfs.xfs" }.Any(File.Exists))
            Skip = "losetup (util-linux) or mkfs.xfs (xfsprogs) is missing; build.sh installs them.";
    }
}
