using ClusterBackup.Engine.Common;

namespace ClusterBackup.Engine.Databases.PostgreSql;

/// <summary>
/// The servers ClusterBackup starts itself with <c>pg_ctl start</c> (a restore's recovery, a restored copy's check). pg_ctl
/// daemonizes the server on purpose, so it does not die with a killed ClusterBackup; a marker file beside the data directory
/// (<c>&lt;data directory&gt;.clusterbackup-server</c>) records it while it runs, and the next restore or check of the same
/// data directory stops what an interrupted run left, with a warning. A server left behind in a scratch folder no later run
/// uses stays until someone stops it; its marker names it.
/// </summary>
internal static class EngineStartedServer
{
    /// <summary>The marker of the server started on <paramref name="dataDirectory"/>.</summary>
    public static string MarkerFor(string dataDirectory) => Path.GetFullPath(dataDirectory).TrimEnd(Path.DirectorySeparatorChar) + ".clusterbackup-server";

    /// <summary>Records, before <c>pg_ctl start</c>, that ClusterBackup is about to start a server on the data directory.</summary>
    public static void Record(string dataDirectory, string purpose) =>
        AtomicFile.WriteAllText(MarkerFor(dataDirectory), $"{purpose}\n{Path.GetFullPath(dataDirectory)}\n{Environment.ProcessId}\n", "the server marker");

    /// <summary>Forgets the server once it is stopped.</summary>
    public static void Forget(string dataDirectory) => TryDelete.File(MarkerFor(dataDirectory));

    /// <summary>
    /// Stops a server an interrupted run started on <paramref name="dataDirectory"/> and left running (immediate shutdown: the
    /// copy is being replaced or thrown away), and removes its marker. Does nothing when no marker is there.
    /// </summary>
    public static async Task StopLeftoverAsync(PostgreSqlConnector postgres, string dataDirectory, string? serverUser, IOperationReporter reporter)
    {
        var marker = MarkerFor(dataDirectory);
        if (!File.Exists(marker))
            return;
        if (File.Exists(Path.Combine(dataDirectory, "postmaster.pid")))
        {
            var tools = postgres.ToolsForDataDirectory(dataDirectory);
            var stop = await tools.RunAsync("pg_ctl", ["-D", dataDirectory, "-m", "immediate", "-w", "stop"], dataDirectory, CancellationToken.None, runAs: serverUser).ConfigureAwait(false);
            reporter.Warning(stop.ExitCode == 0
                ? $"An interrupted run had left a server running on '{dataDirectory}' ({File.ReadLines(marker).FirstOrDefault()}); it was stopped."
                : $"An interrupted run had started a server on '{dataDirectory}' ({File.ReadLines(marker).FirstOrDefault()}); pg_ctl stop said: {stop.ErrorTail}");
        }
        TryDelete.File(marker);
    }
}
