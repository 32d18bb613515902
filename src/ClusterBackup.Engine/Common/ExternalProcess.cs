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
/// </summary>
public static class ExternalProcess
{
    public static async Task<ExternalResult> RunAsync(ExternalCommand command, CancellationToken cancellationToken = default)
    {
        var start = new ProcessStartInfo(command.FileName)
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            RedirectStandardInput = true,
            UseShellExecute = false,
        };
        foreach (var argument in command.Arguments)
            start.ArgumentList.Add(argument);
        if (command.Environment is not null)
            foreach (var (key, value) in command.Environment)
                start.Environment[key] = value;

        using var process = new Process { StartInfo = start };
        try
        {
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
            try { process.Kill(entireProcessTree: true); }
            catch (InvalidOperationException) { }
            cancellationToken.ThrowIfCancellationRequested();
            throw new ClusterBackupException(ErrorKind.ResourceUnavailable, command.Target,
                $"'{command.FileName}' for '{command.Target}' did not finish within {command.Timeout!.Value.TotalSeconds:0.#} s and was stopped.");
        }
        await Task.WhenAll(readOut, readErr).ConfigureAwait(false);
        return new ExternalResult(process.ExitCode, stdout.ToString(), stderr);
    }
}
