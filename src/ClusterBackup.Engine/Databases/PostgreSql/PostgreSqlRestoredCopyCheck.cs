using System.Globalization;
using ClusterBackup.Engine.Common;
using static ClusterBackup.Engine.Databases.PostgreSql.PostgreSqlFiles;

namespace ClusterBackup.Engine.Databases.PostgreSql;

/// <summary>
/// Proves a restored data directory usable, as Test-DbaLastBackup does for SQL Server: the copy is started on a
/// private socket with no TCP listener and no archiving (it never reaches the production WAL archive or clients),
/// pg_amcheck checks every table and index of the database (installing the amcheck extension in the copy when it is
/// missing), and the copy is stopped. Verified here on real PostgreSQL 15.
/// </summary>
internal sealed class PostgreSqlRestoredCopyCheck(PostgreSqlConnector postgres)
{
    public async Task<VerifyResult> RunAsync(string target, string database, IOperationReporter reporter, CancellationToken cancellationToken)
    {
        var runtime = Path.Combine(Path.GetTempPath(), $"cb-check-{Guid.NewGuid().ToString("N")[..12]}");
        var serverUser = postgres.ServerUser;
        var tools = postgres.ToolsForDataDirectory(target);
        var port = FreePort();
        var log = Path.Combine(runtime, "check.log");
        var activity = $"Checking the restored copy of {database} in {target}";
        Directory.CreateDirectory(runtime);
        try
        {
            if (serverUser is not null && !OperatingSystem.IsWindows())
                await ExternalProcess.RunAsync(new ExternalCommand("chown", ["-R", serverUser, runtime], runtime), cancellationToken).ConfigureAwait(false);
            reporter.Progress(activity, "starting the copy", 10);
            var options = $"-c port={port} -c listen_addresses='' -c unix_socket_directories='{runtime}' -c archive_mode=off";
            await EngineStartedServer.StopLeftoverAsync(postgres, target, serverUser, reporter).ConfigureAwait(false);
            EngineStartedServer.Record(target, "check of a restored copy");
            var start = await tools.RunAsync("pg_ctl", ["-D", target, "-l", log, "-w", "-t", postgres.Settings.RecoveryTimeoutSeconds.ToString(CultureInfo.InvariantCulture), "-o", options, "start"],
                target, cancellationToken, runAs: serverUser).ConfigureAwait(false);
            if (start.ExitCode != 0)
                return new VerifyResult(false, [$"the restored copy in '{target}' did not start: {start.ErrorTail}{LogTail(log)}"]);
            try
            {
                reporter.Progress(activity, "pg_amcheck", 40);
                var check = await tools.RunAsync("pg_amcheck", ["-h", runtime, "-p", port.ToString(CultureInfo.InvariantCulture), "-U", postgres.User, "-w",
                        "--install-missing", "--heapallindexed", "--progress", "-d", database],
                    target, cancellationToken, password: postgres.Password, runAs: serverUser).ConfigureAwait(false);
                reporter.Completed(activity);
                if (check.ExitCode == 0)
                {
                    reporter.Verbose($"pg_amcheck found no corruption in '{database}' of the restored copy.");
                    return new VerifyResult(true, []);
                }
                var problems = check.Output.Split('\n', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries)
                    .Concat(check.ErrorLines).Where(l => l.Length > 0 && !l.Contains("relations (", StringComparison.Ordinal)).Take(20).ToList();
                return new VerifyResult(false, problems.Count > 0 ? [.. problems.Select(p => $"pg_amcheck: {p}")] : [$"pg_amcheck exited with {check.ExitCode}"]);
            }
            finally
            {
                await tools.RunAsync("pg_ctl", ["-D", target, "-m", "fast", "-w", "stop"], target, CancellationToken.None, runAs: serverUser).ConfigureAwait(false);
            }
        }
        finally
        {
            TryDelete.Directory(runtime);
            if (!File.Exists(Path.Combine(target, "postmaster.pid")))
                EngineStartedServer.Forget(target);
        }
    }

    private static string LogTail(string log) =>
        File.Exists(log) ? " | " + string.Join(" | ", File.ReadAllLines(log).Where(l => l.Contains("FATAL") || l.Contains("ERROR")).TakeLast(3)) : "";
}
