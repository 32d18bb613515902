using ClusterBackup.Engine.Common;

namespace ClusterBackup.Engine.Cluster.Pacemaker;

/// <summary>Starts the program as a child process, with arguments passed one by one (no shell, no quoting).</summary>
public sealed class ProcessCommandRunner : ICommandRunner
{
    public static readonly ProcessCommandRunner Instance = new();

    public async Task<CommandOutput> RunAsync(IReadOnlyList<string> commandLine, TimeSpan timeout, CancellationToken cancellationToken)
    {
        if (commandLine.Count == 0)
            throw new ArgumentException("The command line is empty.", nameof(commandLine));
        // crm_mon's messages in English whatever the node's locale, so errors read the same everywhere.
        var result = await ExternalProcess.RunAsync(new ExternalCommand(commandLine[0], commandLine.Skip(1).ToList(), commandLine[0],
            Environment: new Dictionary<string, string> { ["LC_ALL"] = "C" }, Timeout: timeout), cancellationToken).ConfigureAwait(false);
        return new CommandOutput(result.ExitCode, result.StandardOutput, result.StandardError);
    }
}
