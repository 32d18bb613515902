using System.Diagnostics;
using System.Text;

namespace ClusterBackup.Engine.Common;

/// <summary>A program to run: arguments are passed one by one (never through a shell, so nothing needs quoting).</summary>
/// <param name="FileName">The program: a path, or a name looked up on PATH.</param>
/// <param name="Arguments">Its arguments, one element each.</param>
/// <param name="Target">The object the run is about, named in errors (a server, a cluster, a unit file).</param>
/// <param name="Environment">Variables added to the child's environment (secrets go here, never in arguments).</param>
/// <param name="Input">Written to the child's standard input, which is then closed; null closes it at once.</param>
/// <param name="Timeout">Past it the child and its descendants are killed and the run fails; null waits as long as it takes.</param>
/// <param name="OnErrorLine">Called with each non-empty line of standard error as it arrives (progress messages).</param>
public sealed record ExternalCommand(
    string FileName,
    IReadOnlyList<string> Arguments,
    string Target,
    IReadOnlyDictionary<string, string>? Environment = null,
    string? Input = null,
    TimeSpan? Timeout = null,
    Action<string>? OnErrorLine = null);

/// <summary>How a program ended and what it printed.</summary>
public sealed record ExternalResult(int ExitCode, string StandardOutput, IReadOnlyList<string> ErrorLines)
{
    public string StandardError => string.Join("\n", ErrorLines);
}

/// <summary>
/// The one place ClusterBackup starts child processes (database tools, crm_mon, systemctl, ...): standard output and
/// error are drained concurrently so a chatty child never blocks, cancellation and the timeout kill the whole
/// process tree, and a program that cannot start is an error naming the program and the target.
/// On Linux every child dies with ClusterBackup, also when ClusterBackup is killed (<c>kill -9</c>), and so do the
/// processes it forks itself (pg_basebackup's WAL streamer is one): the child is started through
/// <c>setpriv --pdeathsig TERM -- setsid sh -c SUPERVISOR</c> (util-linux and the POSIX shell): the supervisor shell
/// leads a process group of its own, runs the program in it, and on its parent's death kills the whole group.
/// A daemon that leaves the group on purpose (the postmaster <c>pg_ctl start</c> starts makes itself a session leader)
/// is not covered; the operations that start one stop it themselves, and a marker beside the data directory lets the
/// next run stop what an interrupted one left.
/// Children are forked from one long-lived thread (the signal follows the forking thread, not the process).
/// Without setpriv or setsid, children are started directly and <see cref="ParentDeathNote"/> says so. Windows: not covered yet.
/// </summary>
public static class ExternalProcess
{
    private static readonly string? SetPriv = FindUtility("setpriv");
    private static readonly string? SetSid = FindUtility("setsid");

    /// <summary>
    /// The words that start a program so that it and what it forks die with ClusterBackup (the supervisor above), or empty
    /// where that is not available. <see cref="RunAsync"/> adds them itself; a caller that starts a program through another
    /// launcher that changes user (runuser) adds them again after the launcher, since a change of user clears the setting.
    /// </summary>
    public static IReadOnlyList<string> ParentDeathPrefix { get; } =
        SetPriv is null || SetSid is null ? [] : [SetPriv, "--pdeathsig", "TERM", "--", SetSid, "/bin/sh", "-c", Supervisor, "sh"];

    /// <summary>
    /// The supervisor: on TERM (its parent died) it kills its process group, the program and everything the program forked.
    /// Standard input is passed on through descriptor 3, since a shell gives a background command /dev/null for input.
    /// </summary>
    private const string Supervisor = """
        trap 'kill -KILL 0' TERM
        exec 3<&0
        "$@" <&3 3<&- &
        wait $!
        """;

    /// <summary>Why children may outlive a killed ClusterBackup on this machine (for a verbose note), or null when they cannot.</summary>
    public static string? ParentDeathNote { get; } = OperatingSystem.IsLinux()
        ? SetPriv is null || SetSid is null ? "setpriv or setsid (util-linux) is not installed: child processes are started directly and may outlive a killed ClusterBackup." : null
        : "Child processes are not bound to ClusterBackup's lifetime on this platform: a killed ClusterBackup may leave them running.";

    private static string? FindUtility(string name)
    {
        if (!OperatingSystem.IsLinux())
            return null;
        var path = System.Environment.GetEnvironmentVariable("PATH") ?? "";
        foreach (var folder in path.Split(':', StringSplitOptions.RemoveEmptyEntries).Concat(["/usr/bin", "/bin", "/usr/sbin", "/sbin"]))
        {
            var candidate = Path.Combine(folder, name);
            if (File.Exists(candidate))
                return candidate;
        }
        return null;
    }

    private static bool CanExecute(string fileName)
    {
        if (fileName.Contains('/'))
            return File.Exists(fileName);
        var path = System.Environment.GetEnvironmentVariable("PATH") ?? "";
        return path.Split(':', StringSplitOptions.RemoveEmptyEntries).Any(folder => File.Exists(Path.Combine(folder, fileName)));
    }

    /// <summary>Runs <paramref name="command"/> to its end (or its timeout, or cancellation, which kill its process tree).</summary>
    public static async Task<ExternalResult> RunAsync(ExternalCommand command, CancellationToken cancellationToken = default)
    {
        var prefix = ParentDeathPrefix;
        // Through the supervisor a missing program would be the shell's exit 127; it stays the same clear error as a direct start.
        if (prefix.Count > 0 && !CanExecute(command.FileName))
            throw new ClusterBackupException(ErrorKind.ResourceUnavailable, command.Target,
                $"Cannot start '{command.FileName}' for '{command.Target}': no such program (not a file, nor found on PATH).");
        var start = new ProcessStartInfo(prefix.Count > 0 ? prefix[0] : command.FileName)
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            RedirectStandardInput = true,
            UseShellExecute = false,
        };
        foreach (var argument in prefix.Skip(1))
            start.ArgumentList.Add(argument);
        if (prefix.Count > 0)
            start.ArgumentList.Add(command.FileName);
        foreach (var argument in command.Arguments)
            start.ArgumentList.Add(argument);
        if (command.Environment is not null)
            foreach (var (key, value) in command.Environment)
                start.Environment[key] = value;

        using var process = new Process { StartInfo = start };
        try
        {
            if (prefix.Count > 0)
                await Spawner.StartAsync(process).ConfigureAwait(false);
            else
                process.Start();
        }
        catch (Exception ex) when (ex is System.ComponentModel.Win32Exception or IOException)
        {
            throw new ClusterBackupException(ErrorKind.ResourceUnavailable, command.Target,
                $"Cannot start '{command.FileName}' for '{command.Target}': {ex.Message}", ex);
        }
        var stdout = new StringBuilder();
        var stderr = new List<string>();
        var readOut = Task.Run(async () =>
        {
            var buffer = new char[8192];
            int read;
            while ((read = await process.StandardOutput.ReadAsync(buffer).ConfigureAwait(false)) > 0)
                stdout.Append(buffer, 0, read);
        }, CancellationToken.None);
        var readErr = Task.Run(async () =>
        {
            string? line;
            while ((line = await process.StandardError.ReadLineAsync().ConfigureAwait(false)) is not null)
            {
                if (line.Length == 0)
                    continue;
                lock (stderr) stderr.Add(line);
                command.OnErrorLine?.Invoke(line);
            }
        }, CancellationToken.None);
        try
        {
            if (command.Input is not null)
                await process.StandardInput.WriteAsync(command.Input.AsMemory(), cancellationToken).ConfigureAwait(false);
        }
        catch (IOException)
        {
            // The child closed its input early; its exit code and stderr tell why.
        }
        process.StandardInput.Close();

        using var deadline = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        if (command.Timeout is { } timeout)
            deadline.CancelAfter(timeout);
        try
        {
            await process.WaitForExitAsync(deadline.Token).ConfigureAwait(false);
        }
        catch (OperationCanceledException)
        {
            try
            {
                process.Kill(entireProcessTree: true);
                // Gone before the caller removes what it was writing: a killed child writes nothing after the clean-up.
                process.WaitForExit(TimeSpan.FromSeconds(30));
            }
            catch (InvalidOperationException) { }
            cancellationToken.ThrowIfCancellationRequested();
            throw new ClusterBackupException(ErrorKind.ResourceUnavailable, command.Target,
                $"'{command.FileName}' for '{command.Target}' did not finish within {command.Timeout!.Value.TotalSeconds:0.#} s and was stopped.");
        }
        await Task.WhenAll(readOut, readErr).ConfigureAwait(false);
        return new ExternalResult(process.ExitCode, stdout.ToString(), stderr);
    }

    /// <summary>
    /// PR_SET_PDEATHSIG fires when the <em>thread</em> that forked the child ends, not only the process: a child started from a
    /// thread-pool thread would be killed when the pool retires that thread. Every child is therefore forked from this one
    /// thread, which lives as long as the process.
    /// </summary>
    private static class Spawner
    {
        private static readonly System.Collections.Concurrent.BlockingCollection<(Process Process, TaskCompletionSource Started)> Queue = [];

        static Spawner()
        {
            var thread = new Thread(() =>
            {
                foreach (var (process, started) in Queue.GetConsumingEnumerable())
                {
                    try
                    {
                        process.Start();
                        started.SetResult();
                    }
                    catch (Exception ex)
                    {
                        started.SetException(ex);
                    }
                }
            }) { IsBackground = true, Name = "ClusterBackup child process starter" };
            thread.Start();
        }

        public static Task StartAsync(Process process)
        {
            var started = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
            Queue.Add((process, started));
            return started.Task;
        }
    }
}
