using System.Diagnostics;
using System.Runtime.InteropServices;

namespace ClusterBackup.Engine.Common;

/// <summary>
/// Named places in a state change where the fault-injection tests kill the process, the way a power
/// cut or <c>kill -9</c> would: no finally block, no flush, no cleanup. A crash point does nothing unless
/// the process was started with <see cref="EnvironmentVariable"/> naming it, so production runs only pay
/// one string comparison per point. The value is <c>name</c> (die the first time the point is reached)
/// or <c>name#N</c> (die the N-th time, for points inside a loop such as "after each block").
/// Names are dotted and stable, e.g. <c>backup.after-rename</c>; docs/architecture.md lists them.
/// </summary>
public static class CrashPoint
{
    public const string EnvironmentVariable = "CLUSTERBACKUP_CRASH_AT";

    private static readonly (string Name, int Count)? Armed = Parse(Environment.GetEnvironmentVariable(EnvironmentVariable));
    private static int _hits;

    /// <summary>True when a crash point is armed in this process (tests assert on it, code never branches on it).</summary>
    public static bool IsArmed => Armed is not null;

    /// <summary>Kills the process here if this is the armed point and its count is reached.</summary>
    public static void Reach(string name)
    {
        if (Armed is not { } armed || !string.Equals(armed.Name, name, StringComparison.Ordinal))
            return;
        if (Interlocked.Increment(ref _hits) < armed.Count)
            return;
        Die(name);
    }

    /// <summary>
    /// Like <see cref="Reach(string)"/>, but first runs <paramref name="beforeDeath"/>: what the crash leaves half done (a torn write).
    /// </summary>
    public static void Reach(string name, Action beforeDeath)
    {
        if (Armed is not { } armed || !string.Equals(armed.Name, name, StringComparison.Ordinal))
            return;
        if (Interlocked.Increment(ref _hits) < armed.Count)
            return;
        beforeDeath();
        Die(name);
    }

    private static (string, int)? Parse(string? value)
    {
        if (string.IsNullOrWhiteSpace(value))
            return null;
        var hash = value.LastIndexOf('#');
        if (hash > 0 && int.TryParse(value[(hash + 1)..], out var count) && count > 0)
            return (value[..hash], count);
        return (value, 1);
    }

    private static void Die(string name)
    {
        Console.Error.WriteLine($"clusterbackup: crash point {name} reached; killing the process.");
        Console.Error.Flush();
        if (!OperatingSystem.IsWindows())
            _ = Kill(Environment.ProcessId, SigKill);
        // Windows, or a kill that did not take: end without running finalizers or finally blocks.
        Process.GetCurrentProcess().Kill();
        Environment.FailFast($"crash point {name}");
    }

    private const int SigKill = 9;

    [DllImport("libc", EntryPoint = "kill", SetLastError = true)]
    private static extern int Kill(int pid, int signal);
}
