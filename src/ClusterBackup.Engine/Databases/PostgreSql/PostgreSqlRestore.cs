using System.Globalization;
using ClusterBackup.Engine.Catalog;
using ClusterBackup.Engine.Common;
using Npgsql;
using static ClusterBackup.Engine.Databases.PostgreSql.PostgreSqlConnector;
using static ClusterBackup.Engine.Databases.PostgreSql.PostgreSqlFiles;

namespace ClusterBackup.Engine.Databases.PostgreSql;

/// <summary>
/// A restore into a new data directory: unpack the full, put the chain's WAL where restore_command finds it, run
/// recovery to the point in time on a private socket, and stop the server cleanly. A half-restored directory is removed.
/// </summary>
internal sealed class PostgreSqlRestore(PostgreSqlConnector postgres)
{
    private const string RestoreBlockBegin = "# clusterbackup restore: begin";
    private const string RestoreBlockEnd = "# clusterbackup restore: end";
    private const string TargetNotReached = "recovery ended before configured recovery target was reached";

    public async Task RunAsync(RestoreRequest request, IOperationReporter reporter, CancellationToken cancellationToken)
    {
        if (request.Chain.Count == 0 || request.Chain[0].Type != BackupType.Full)
            throw new ClusterBackupException(ErrorKind.InvalidArgument, request.TargetLocation, "A restore chain starts with a full backup.");
        var target = Path.GetFullPath(request.TargetLocation);
        var spool = target.TrimEnd(Path.DirectorySeparatorChar) + ".restore-wal";
        var incomplete = target.TrimEnd(Path.DirectorySeparatorChar) + IncompleteSuffix;
        var serverUser = postgres.ServerUser;
        // A restore killed before it finished leaves its marker beside the target: the target is that run's half-done
        // work, never a restored copy, and this run starts it again.
        if (File.Exists(incomplete))
        {
            await EngineStartedServer.StopLeftoverAsync(postgres, target, serverUser, reporter).ConfigureAwait(false);
            var left = File.ReadAllLines(incomplete);
            reporter.Warning($"'{target}' is what an interrupted restore left ({left.FirstOrDefault()}); it is removed and the restore starts again.");
            ClearTarget(target, left.ElementAtOrDefault(1) == "target existed");
            TryDelete.Directory(spool);
        }
        if (Directory.Exists(target) && Directory.EnumerateFileSystemEntries(target).Any())
            throw new ClusterBackupException(ErrorKind.InvalidArgument, target, $"The restore target '{target}' is not empty; restores go into a new data directory.");
        var full = request.Chain[0];
        var activity = $"Restoring {full.Database} into {target}";
        var runtime = Path.Combine(Path.GetTempPath(), $"cb-restore-{Guid.NewGuid().ToString("N")[..12]}");
        var targetExisted = Directory.Exists(target);
        var completed = false;
        AtomicFile.WriteAllText(incomplete, $"restore of {full.Database} from backup set {full.BackupSetId}, started {DateTimeOffset.UtcNow:u} by process {Environment.ProcessId}\n"
            + (targetExisted ? "target existed" : "target created") + "\n", "the restore's incomplete marker");
        try
        {
            reporter.Progress(activity, "unpacking the full backup", 5);
            await EngineStartedServer.StopLeftoverAsync(postgres, target, serverUser, reporter).ConfigureAwait(false);
            Directory.CreateDirectory(target);
            await ExtractAsync(FileNamed(full, BaseArchive), target, cancellationToken).ConfigureAwait(false);
            CrashPoint.Reach("restore.mid-write");
            var walArchive = full.Files.FirstOrDefault(f => Path.GetFileName(f.Path) == WalArchive)?.Path;
            if (walArchive is not null)
                await ExtractAsync(walArchive, Path.Combine(target, "pg_wal"), cancellationToken).ConfigureAwait(false);

            reporter.Progress(activity, "gathering WAL from the log backups", 30);
            Directory.CreateDirectory(spool);
            foreach (var file in request.Chain.Skip(1).Where(s => s.Type == BackupType.Log).SelectMany(s => s.Files))
                File.Copy(file.Path, Path.Combine(spool, Path.GetFileName(file.Path)), overwrite: true);

            File.Delete(Path.Combine(target, "standby.signal"));
            File.Delete(Path.Combine(target, "postmaster.pid"));
            var settingsBlock = new List<string>
            {
                RestoreBlockBegin,
                $"restore_command = 'cp \"{spool}/%f\" \"%p\"'",
                "recovery_target_timeline = 'latest'",
                "recovery_target_action = 'promote'",
                "archive_mode = 'off'",
            };
            if (request.PointInTime is { } pointInTime)
            {
                settingsBlock.Add($"recovery_target_time = '{pointInTime.UtcDateTime.ToString("yyyy-MM-dd HH:mm:ss.ffffff", CultureInfo.InvariantCulture)}+00'");
                settingsBlock.Add("recovery_target_inclusive = 'false'");
            }
            settingsBlock.Add(RestoreBlockEnd);
            File.AppendAllLines(Path.Combine(target, "postgresql.auto.conf"), settingsBlock);
            File.WriteAllText(Path.Combine(target, "recovery.signal"), "");
            Directory.CreateDirectory(runtime);
            if (!OperatingSystem.IsWindows())
            {
                File.SetUnixFileMode(target, UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute);
                if (serverUser is not null)
                    foreach (var path in new[] { target, spool, runtime })
                        await RunChecked("chown", ["-R", serverUser, path], target, cancellationToken).ConfigureAwait(false);
            }

            reporter.Progress(activity, "running recovery", 50);
            CrashPoint.Reach("restore.before-recovery");
            try
            {
                await RecoverAsync(target, runtime, serverUser, request.PointInTime, reporter, activity, cancellationToken).ConfigureAwait(false);
            }
            catch (ClusterBackupException ex) when (request.PointInTime is not null && ex.Message.Contains(TargetNotReached, StringComparison.Ordinal))
            {
                // No commit in the chain's WAL is at or after the point in time: everything the WAL holds was
                // committed before it, so replaying all of it is the state at that point. PostgreSQL 15 stops
                // instead; recovery goes on from where it stopped without the time target.
                reporter.Verbose($"No transaction in the log backups ends at or after {request.PointInTime:u}; replaying all of their WAL.");
                var conf = Path.Combine(target, "postgresql.auto.conf");
                File.WriteAllLines(conf, File.ReadAllLines(conf).Where(l => !l.StartsWith("recovery_target_time", StringComparison.Ordinal) && !l.StartsWith("recovery_target_inclusive", StringComparison.Ordinal)));
                await RecoverAsync(target, runtime, serverUser, null, reporter, activity, cancellationToken).ConfigureAwait(false);
            }

            var autoConf = Path.Combine(target, "postgresql.auto.conf");
            var lines = File.ReadAllLines(autoConf).ToList();
            var begin = lines.IndexOf(RestoreBlockBegin);
            var end = lines.IndexOf(RestoreBlockEnd);
            if (begin >= 0 && end > begin)
                lines.RemoveRange(begin, end - begin + 1);
            // The restored copy must not archive into the production archive when someone starts it.
            lines.Add("archive_mode = 'off'");
            File.WriteAllLines(autoConf, lines);
            CrashPoint.Reach("restore.before-complete");
            AtomicFile.FlushToDisk([autoConf]);
            // The marker goes last: until then the target is not a restored copy.
            File.Delete(incomplete);
            completed = true;
            CrashPoint.Reach("restore.after-complete");
            reporter.Completed(activity);
        }
        finally
        {
            TryDelete.Directory(spool);
            TryDelete.Directory(runtime);
            // A half-restored data directory must not be mistaken for a restored one.
            if (!completed)
            {
                ClearTarget(target, targetExisted);
                TryDelete.File(incomplete);
            }
        }
    }

    /// <summary>Beside a target, the sign that a restore into it has not finished.</summary>
    public const string IncompleteSuffix = ".restore-incomplete";

    /// <summary>Removes what a restore put into <paramref name="target"/>: its content when the folder was there before, else the folder.</summary>
    private static void ClearTarget(string target, bool keepFolder)
    {
        if (!keepFolder)
        {
            TryDelete.Directory(target);
            return;
        }
        foreach (var entry in Directory.Exists(target) ? Directory.GetFileSystemEntries(target) : [])
            if (Directory.Exists(entry)) TryDelete.Directory(entry); else File.Delete(entry);
    }

    private async Task RecoverAsync(string target, string runtime, string? serverUser, DateTimeOffset? pointInTime, IOperationReporter reporter, string activity, CancellationToken cancellationToken)
    {
        var port = FreePort();
        var log = Path.Combine(runtime, "recovery.log");
        var tools = postgres.ToolsForDataDirectory(target);
        var options = $"-c port={port} -c listen_addresses='' -c unix_socket_directories='{runtime}' -c archive_mode=off -c hot_standby=on";
        EngineStartedServer.Record(target, "recovery of a restore");
        var start = await tools.RunAsync("pg_ctl", ["-D", target, "-l", log, "-w", "-t", postgres.Settings.RecoveryTimeoutSeconds.ToString(CultureInfo.InvariantCulture), "-o", options, "start"],
            target, cancellationToken, runAs: serverUser).ConfigureAwait(false);
        try
        {
            if (start.ExitCode != 0)
                throw RecoveryFailed(target, log, start.ErrorTail);
            var builder = new NpgsqlConnectionStringBuilder
            {
                Host = runtime, Port = port, Username = postgres.User, Password = postgres.Password, Database = "postgres", Pooling = false, Timeout = 5,
            };
            var deadline = DateTimeOffset.UtcNow.AddSeconds(postgres.Settings.RecoveryTimeoutSeconds);
            while (true)
            {
                cancellationToken.ThrowIfCancellationRequested();
                try
                {
                    await using var connection = new NpgsqlConnection(builder.ConnectionString);
                    await connection.OpenAsync(cancellationToken).ConfigureAwait(false);
                    if (!await ScalarAsync<bool>(connection, "SELECT pg_is_in_recovery()", cancellationToken).ConfigureAwait(false))
                        break;
                }
                catch (NpgsqlException) when (File.Exists(Path.Combine(target, "postmaster.pid")))
                {
                    // Still starting or between states; the server is alive.
                }
                catch (NpgsqlException ex)
                {
                    throw RecoveryFailed(target, log, FirstLine(ex.Message));
                }
                if (DateTimeOffset.UtcNow > deadline)
                    throw RecoveryFailed(target, log, $"recovery did not finish within {postgres.Settings.RecoveryTimeoutSeconds} s");
                reporter.Progress(activity, pointInTime is null ? "replaying WAL" : $"replaying WAL up to {pointInTime:u}", 70);
                await Task.Delay(200, cancellationToken).ConfigureAwait(false);
            }
        }
        finally
        {
            var stop = await tools.RunAsync("pg_ctl", ["-D", target, "-m", "fast", "-w", "stop"], target, CancellationToken.None, runAs: serverUser).ConfigureAwait(false);
            if (stop.ExitCode == 0 || !File.Exists(Path.Combine(target, "postmaster.pid")))
                EngineStartedServer.Forget(target);
        }
    }

    private static ClusterBackupException RecoveryFailed(string target, string log, string cause)
    {
        var tail = File.Exists(log)
            ? string.Join(" | ", File.ReadAllLines(log).Where(l => l.Contains("FATAL") || l.Contains("ERROR") || l.Contains("PANIC")).TakeLast(3))
            : "";
        return new ClusterBackupException(ErrorKind.InvalidOperation, target, $"Recovery of '{target}' failed: {cause}{(tail.Length > 0 ? ": " + tail : "")}");
    }

    private static async Task RunChecked(string command, string[] arguments, string target, CancellationToken cancellationToken)
    {
        var result = await ExternalProcess.RunAsync(new ExternalCommand(command, arguments, target), cancellationToken).ConfigureAwait(false);
        if (result.ExitCode != 0)
            throw new ClusterBackupException(ErrorKind.PermissionDenied, target, $"{command} {string.Join(' ', arguments)} failed: {result.StandardError.Trim()}");
    }
}
