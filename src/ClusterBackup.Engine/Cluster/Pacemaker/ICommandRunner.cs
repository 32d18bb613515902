namespace ClusterBackup.Engine.Cluster.Pacemaker;

/// <summary>What a finished command left behind.</summary>
public sealed record CommandOutput(int ExitCode, string StandardOutput, string StandardError);

/// <summary>Runs a program and collects its output; a seam so the provider can be tested without crm_mon.</summary>
public interface ICommandRunner
{
    /// <param name="commandLine">Program first, then its arguments (never passed through a shell).</param>
    /// <param name="timeout">Past it the program is killed and the run fails.</param>
    /// <param name="cancellationToken">Kills the program when cancelled.</param>
    Task<CommandOutput> RunAsync(IReadOnlyList<string> commandLine, TimeSpan timeout, CancellationToken cancellationToken);
}
