using System.Diagnostics;

namespace ClusterBackup.Engine.Tests.Digest;

/// <summary>
/// A loop device over a file in a private folder, optionally formatted with a reflink-capable file system
/// (XFS with reflink=1, or btrfs) and mounted. Needs root and util-linux, xfsprogs and btrfs-progs;
/// <see cref="RootLoopFactAttribute"/> and <see cref="RootLoopTheoryAttribute"/> skip the test otherwise.
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

    /// <summary>A loop device formatted with <paramref name="fileSystem"/> ("xfs" with reflink=1, or "btrfs") and mounted at <see cref="MountPoint"/>.</summary>
    public static LoopDevice MountWithReflink(string fileSystem, long size = 512L * 1024 * 1024)
    {
        var loop = new LoopDevice(size);
        try
        {
            switch (fileSystem)
            {
                case "xfs": Run("mkfs.xfs", "-q", "-f", "-m", "reflink=1", loop.Device); break;
                case "btrfs": Run("mkfs.btrfs", "-q", "-f", loop.Device); break;
                default: throw new ArgumentException($"No reflink file system '{fileSystem}' in the tests.", nameof(fileSystem));
            }
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

    /// <summary>A loop device formatted with ext4 and mounted at <see cref="MountPoint"/>.</summary>
    public static LoopDevice MountExt4(long size = 64L * 1024 * 1024)
    {
        var loop = new LoopDevice(size);
        try
        {
            Run("mkfs.ext4", "-q", "-F", loop.Device);
            Directory.CreateDirectory(loop.MountPoint);
            loop.Mount();
            return loop;
        }
        catch
        {
            loop.Dispose();
            throw;
        }
    }

    /// <summary>Unmounts the filesystem; the mount-point folder stays, empty, as after an unmount on a server.</summary>
    public void Unmount()
    {
        Run("umount", MountPoint);
        _mounted = false;
    }

    /// <summary>Mounts the filesystem at <see cref="MountPoint"/> (again).</summary>
    public void Mount()
    {
        Run("mount", Device, MountPoint);
        _mounted = true;
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

/// <summary>Why loop-device tests cannot run on this machine, or null when they can.</summary>
internal static class LoopDeviceSupport
{
    public static string? SkipReason()
    {
        if (!OperatingSystem.IsLinux())
            return "Loop devices and reflinks need Linux.";
        if (Environment.UserName != "root")
            return "Loop devices need root; run the tests as root to include this one.";
        string[] tools = ["losetup", "mkfs.xfs", "mkfs.btrfs"];
        var missing = tools.Where(t => !File.Exists("/usr/sbin/" + t) && !File.Exists("/sbin/" + t)).ToList();
        return missing.Count == 0 ? null : $"{string.Join(", ", missing)} missing (util-linux, xfsprogs, btrfs-progs); build.sh installs them.";
    }
}

/// <summary>A fact that runs only as root with losetup, mkfs.xfs and mkfs.btrfs installed; otherwise skipped with the reason.</summary>
public sealed class RootLoopFactAttribute : FactAttribute
{
    public RootLoopFactAttribute() => Skip = LoopDeviceSupport.SkipReason();
}

/// <summary>The theory form of <see cref="RootLoopFactAttribute"/>.</summary>
public sealed class RootLoopTheoryAttribute : TheoryAttribute
{
    public RootLoopTheoryAttribute() => Skip = LoopDeviceSupport.SkipReason();
}
