namespace ClusterBackup.Engine.Common;

/// <summary>
/// Named places where the concurrency tests hold a real operation still, so a second one can be started against it
/// at a known moment without timing: when the process was started with <see cref="EnvironmentVariable"/> naming the
/// point and <see cref="DirectoryVariable"/> naming a folder, reaching the point writes <c>&lt;name&gt;.reached</c>
/// there and waits until <c>&lt;name&gt;.release</c> appears, or until the operation is cancelled. Does nothing otherwise
/// (an environment lookup and a string comparison). The variables are read at each point, not once per process, so a test that
/// hosts PowerShell in its own process can arm a point after the engine was loaded. Only the tests arm it.
/// </summary>
public static class PausePoint
{
    /// <summary>The environment variable naming the armed point.</summary>
    public const string EnvironmentVariable = "CLUSTERBACKUP_PAUSE_AT";
    /// <summary>The environment variable naming the folder of the reached and release files.</summary>
    public const string DirectoryVariable = "CLUSTERBACKUP_PAUSE_DIR";

    /// <summary>Waits here if this is the armed point, until the test releases it.</summary>
    public static void Reach(string name, CancellationToken cancellationToken = default)
    {
        var armed = Environment.GetEnvironmentVariable(EnvironmentVariable);
        var folder = Environment.GetEnvironmentVariable(DirectoryVariable);
        if (armed is null || folder is null || !string.Equals(armed, name, StringComparison.Ordinal))
            return;
        AtomicFile.WriteAllText(System.IO.Path.Combine(folder, name + ".reached"), Environment.ProcessId.ToString(System.Globalization.CultureInfo.InvariantCulture), "the pause point file");
        var release = System.IO.Path.Combine(folder, name + ".release");
        while (!File.Exists(release))
        {
            cancellationToken.ThrowIfCancellationRequested();
            Thread.Sleep(50);
        }
    }
}
