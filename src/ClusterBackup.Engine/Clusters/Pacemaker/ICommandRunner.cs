using System.Diagnostics;

namespace ClusterBackup.Engine.Clusters.Pacemaker;

/// <summary>What a finished command left behind.</summary>
public sealed record CommandOutput(int ExitCode, string StandardOutput, string StandardError);

/// <summary>Runs a program and collects its output; a seam so the provider can be tested without crm_mon.</summary>
public interface ICommandRunner
{
    /// <param name="commandLine">Program first, then its arguments (never passed through a shell).</param>
    Task<CommandOutput> RunAsync(IReadOnlyList<string> commandLine, TimeSpan timeout, CancellationToken cancellationToken);
}

/// <summary>Starts the program as a child process, with arguments passed one by one (no shell, no quoting).</summary>
public sealed class ProcessCommandRunner : ICommandRunner
{
    public static readonly ProcessCommandRunner Instance = new();

    public async Task<CommandOutput> RunAsync(IReadOnlyList<string> commandLine, TimeSpan timeout, CancellationToken cancellationToken)
    {
        if (commandLine.Count == 0)
            throw new ArgumentException("The command line is empty.", nameof(commandLine));
        var start = new ProcessStartInfo(commandLine[0])
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            RedirectStandardInput = true,
            UseShellExecute = false,
        };
        foreach (var argument in commandLine.Skip(1))
            start.ArgumentList.Add(argument);
        // crm_mon's messages in English whatever the node's locale, so errors read the same everywhere.
        start.Environment["LC_ALL"] = "C";

        using var process = new Process { StartInfo = start };
        try
        {
            process.Start();
        }
        catch (System.ComponentModel.Win32Exception ex)
        {
            throw new ClusterBackupException(ErrorKind.ResourceUnavailable, commandLine[0], $"Cannot start '{commandLine[0]}': {ex.Message}.", ex);
        }
        process.StandardInput.Close();
        var stdout = process.StandardOutput.ReadToEndAsync(cancellationToken);
        var stderr = process.StandardError.ReadToEndAsync(cancellationToken);
        using var deadline = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
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
            throw new ClusterBackupException(ErrorKind.ResourceUnavailable, commandLine[0],
                $"'{string.Join(' ', commandLine)}' did not finish within {timeout.TotalSeconds:0.#} s and was stopped.");
        }
        return new CommandOutput(process.ExitCode, await stdout.ConfigureAwait(false), await stderr.ConfigureAwait(false));
    }
}
