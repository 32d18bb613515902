using System.Diagnostics;
using ClusterBackup.Engine.Common;

namespace ClusterBackup.Engine.Tests.FaultInjection;

/// <summary>How a CLI run out of process ended.</summary>
public sealed record CliProcessResult(int ExitCode, string Output, string Error, bool KilledByCrashPoint, bool KilledByTest)
{
    /// <summary>The exit status of a process ended by SIGKILL (128 + 9).</summary>
    public const int SigKillExitCode = 137;
}

/// <summary>
/// Runs the real <c>clusterbackup</c> CLI in its own process, for the fault-injection tests: a crash point
/// armed through <see cref="CrashPoint.EnvironmentVariable"/>, or a SIGKILL sent by the test after a delay
/// (a random moment from a seeded generator), so the next run finds exactly what a power cut leaves.
/// </summary>
public static class CliProcess
{
    /// <summary>
    /// The CLI as it is built in its own project (src/ClusterBackup.Cli/bin/{configuration}/net8.0), with its own dependency
    /// manifest; the copy in the test's output folder is bound to the test's dependencies and does not start on its own.
    /// </summary>
    internal static string CliAssembly
    {
        get
        {
            var configuration = new DirectoryInfo(AppContext.BaseDirectory.TrimEnd(Path.DirectorySeparatorChar)).Parent?.Name ?? "Release";
            for (var folder = new DirectoryInfo(AppContext.BaseDirectory); folder is not null; folder = folder.Parent)
                if (File.Exists(Path.Combine(folder.FullName, "ClusterBackup.sln")))
                {
                    var built = Path.Combine(folder.FullName, "src", "ClusterBackup.Cli", "bin", configuration, "net8.0", "clusterbackup.dll");
                    if (File.Exists(built))
                        return built;
                    break;
                }
            return Path.Combine(AppContext.BaseDirectory, "clusterbackup.dll");
        }
    }

    public static async Task<CliProcessResult> RunAsync(IEnumerable<string> arguments, IReadOnlyDictionary<string, string>? environment = null,
        string? crashAt = null, TimeSpan? killAfter = null, TimeSpan? timeout = null, Func<bool>? killWhen = null,
        Func<bool>? signalWhen = null, string signal = "INT")
    {
        var start = new ProcessStartInfo("dotnet") { UseShellExecute = false, RedirectStandardOutput = true, RedirectStandardError = true };
        start.ArgumentList.Add(CliAssembly);
        foreach (var argument in arguments)
            start.ArgumentList.Add(argument);
        // The developer's own settings never leak into a test run.
        foreach (var name in start.Environment.Keys.Where(k => k.StartsWith("CLUSTERBACKUP_", StringComparison.Ordinal)).ToList())
            start.Environment.Remove(name);
        foreach (var (name, value) in environment ?? new Dictionary<string, string>())
            start.Environment[name] = value;
        if (crashAt is not null)
            start.Environment[CrashPoint.EnvironmentVariable] = crashAt;

        using var process = Process.Start(start)!;
        var output = process.StandardOutput.ReadToEndAsync();
        var error = process.StandardError.ReadToEndAsync();
        var killedByTest = false;
        using var deadline = new CancellationTokenSource(timeout ?? TimeSpan.FromMinutes(3));
        if (killWhen is not null)
        {
            // Polls a condition of the world (a folder appears) and kills the CLI the moment it holds.
            while (!process.HasExited && !killWhen())
                await Task.Delay(50, deadline.Token);
            if (!process.HasExited)
            {
                try { process.Kill(entireProcessTree: false); killedByTest = true; }
                catch (InvalidOperationException) { }
            }
        }
        if (signalWhen is not null)
        {
            // As a user's Ctrl-C (INT) or a service manager's stop (TERM): the CLI is to cancel, clean up and exit on its own.
            while (!process.HasExited && !signalWhen())
                await Task.Delay(50, deadline.Token);
            if (!process.HasExited)
            {
                using var kill = Process.Start(new ProcessStartInfo("kill") { ArgumentList = { "-" + signal, process.Id.ToString(System.Globalization.CultureInfo.InvariantCulture) }, UseShellExecute = false })!;
                await kill.WaitForExitAsync(deadline.Token);
            }
        }
        if (killAfter is { } delay)
        {
            var exited = process.WaitForExitAsync(deadline.Token);
            if (await Task.WhenAny(exited, Task.Delay(delay, deadline.Token)) != exited)
            {
                // Only the CLI itself: its children must die on their own, which is what the tests check.
                try { process.Kill(entireProcessTree: false); killedByTest = true; }
                catch (InvalidOperationException) { }
            }
        }
        try
        {
            await process.WaitForExitAsync(deadline.Token);
        }
        catch (OperationCanceledException)
        {
            process.Kill(entireProcessTree: true);
            throw new TimeoutException($"clusterbackup {string.Join(' ', start.ArgumentList.Skip(1))} did not end in time.");
        }
        var stderr = await error;
        var crashed = stderr.Contains("crash point", StringComparison.Ordinal) && process.ExitCode == CliProcessResult.SigKillExitCode;
        return new CliProcessResult(process.ExitCode, await output, stderr, crashed, killedByTest);
    }
}
