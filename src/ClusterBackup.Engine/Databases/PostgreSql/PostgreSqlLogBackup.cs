using System.Globalization;
using ClusterBackup.Engine.Catalog;
using ClusterBackup.Engine.Common;
using Npgsql;
using static ClusterBackup.Engine.Databases.PostgreSql.PostgreSqlConnector;
using static ClusterBackup.Engine.Databases.PostgreSql.PostgreSqlFiles;

namespace ClusterBackup.Engine.Databases.PostgreSql;

/// <summary>
/// A log backup: the WAL segments written since the previous backup, copied from the WAL archive after the current
/// segment is closed and archived, following the timeline history across a failover.
/// </summary>
internal sealed class PostgreSqlLogBackup(PostgreSqlConnector postgres)
{
    public async Task<EngineBackupResult> RunAsync(EngineBackupRequest request, IOperationReporter reporter, CancellationToken cancellationToken)
    {
        var started = DateTimeOffset.UtcNow;
        var previous = request.PreviousInChain ?? throw new ClusterBackupException(ErrorKind.InvalidOperation, request.Database,
            $"Cannot take a log backup of '{request.Database}' on '{request.Server.VirtualServer}': no full backup exists. Take a full backup first.");
        var archive = postgres.RequireArchive();
        var activity = $"Log backup of {request.Database} on {request.Server.VirtualServer} ({request.Server.Node})";

        await using var connection = await postgres.OpenAsync(request.Server.ConnectionTarget, postgres.Settings.MaintenanceDatabase, cancellationToken).ConfigureAwait(false);
        if (await ScalarAsync<bool>(connection, "SELECT pg_is_in_recovery()", cancellationToken).ConfigureAwait(false))
            throw new ClusterBackupException(ErrorKind.InvalidOperation, request.Server.Node,
                $"Node {request.Server.Node} ({request.Server.ConnectionTarget}) is in recovery; log backups run on the primary of '{request.Server.VirtualServer}'.");
        var archiveMode = await ScalarAsync<string>(connection, "SELECT current_setting('archive_mode')", cancellationToken).ConfigureAwait(false);
        if (archiveMode == "off")
            throw new ClusterBackupException(ErrorKind.InvalidOperation, request.Server.Node,
                $"archive_mode is off on node {request.Server.Node} of '{request.Server.VirtualServer}': log backups read the WAL archive '{archive}' that archive_command fills. See docs/configuration.md.");
        var segmentSize = await SegmentSizeAsync(connection, cancellationToken).ConfigureAwait(false);

        // A transaction id forces a commit record, so the switch below always closes a segment with new WAL in it.
        await ScalarAsync<object>(connection, "SELECT pg_current_xact_id()", cancellationToken).ConfigureAwait(false);
        var switchLsn = WalLocation.ParseLsn(await ScalarAsync<string>(connection, "SELECT pg_switch_wal()::text", cancellationToken).ConfigureAwait(false));
        await using var nameCommand = new NpgsqlCommand("SELECT pg_walfile_name($1::text::pg_lsn)", connection);
        nameCommand.Parameters.AddWithValue(WalLocation.FormatLsn(switchLsn - 1));
        var lastName = (string)(await nameCommand.ExecuteScalarAsync(cancellationToken).ConfigureAwait(false))!;
        WalLocation.TryParseSegmentFileName(lastName, segmentSize, out var timeline, out var endSegment);
        var startSegment = StartSegment(previous, segmentSize);
        reporter.Verbose($"WAL switched at {WalLocation.FormatLsn(switchLsn)} on timeline {timeline}; segments {startSegment:X}..{endSegment:X} from '{archive}'.");

        await WaitForArchivedAsync(connection, Path.Combine(archive, lastName), segmentSize, activity, reporter, cancellationToken).ConfigureAwait(false);
        var history = timeline == 1 ? TimelineHistory.First : ReadHistory(archive, timeline);

        var sources = new List<string>();
        foreach (var tli in history.Timelines.Where(t => t > 1))
        {
            var historyFile = Path.Combine(archive, WalLocation.HistoryFileName(tli));
            if (File.Exists(historyFile))
                sources.Add(historyFile);
        }
        for (var segment = startSegment; segment <= endSegment; segment++)
        {
            var name = WalLocation.SegmentFileName(history.TimelineOfSegment(segment, segmentSize), segment, segmentSize);
            var path = Path.Combine(archive, name);
            if (!File.Exists(path))
                throw new ClusterBackupException(ErrorKind.ObjectNotFound, name,
                    $"WAL segment {name} (from {WalLocation.FormatLsn(segment * (ulong)segmentSize)}) is not in the WAL archive '{archive}': the log chain of '{request.Database}' on '{request.Server.VirtualServer}' breaks there. Take a full backup, then a log backup with -Initialize to start a new chain.");
            sources.Add(path);
        }

        var partial = Path.Combine(request.Directory, request.FileStem + ".partial");
        var final = Path.Combine(request.Directory, request.FileStem);
        TryDelete.Directory(partial);
        try
        {
            Directory.CreateDirectory(partial);
            for (var i = 0; i < sources.Count; i++)
            {
                cancellationToken.ThrowIfCancellationRequested();
                reporter.Progress(activity, $"copying {Path.GetFileName(sources[i])}", 100 * i / sources.Count);
                CopyFile(sources[i], Path.Combine(partial, Path.GetFileName(sources[i])), request.Directory);
                CrashPoint.Reach("backup.mid-write");
            }
            AtomicFile.FlushToDisk(Directory.GetFiles(partial));
            CrashPoint.Reach("backup.before-rename");
            Directory.Move(partial, final);
            CrashPoint.Reach("backup.after-rename");
        }
        catch
        {
            TryDelete.Directory(partial);
            throw;
        }
        reporter.Completed(activity);
        return new EngineBackupResult(Directory.GetFiles(final).Order(StringComparer.Ordinal).ToList(),
            WalLocation.FormatLsn(startSegment * (ulong)segmentSize), WalLocation.FormatLsn(switchLsn),
            timeline.ToString(CultureInfo.InvariantCulture), started, DateTimeOffset.UtcNow);
    }

    /// <summary>The first segment a log backup after <paramref name="previous"/> needs: from a full, the segment its
    /// WAL starts in (restore_command is asked for it); from a log, the one after the log's last.</summary>
    internal static ulong StartSegment(BackupSet previous, long segmentSize)
    {
        if (previous.Type == BackupType.Full)
            return WalLocation.SegmentOf(WalLocation.ParseLsn(previous.FirstLsn ?? throw MissingRange(previous)), segmentSize);
        return WalLocation.LastSegmentBefore(WalLocation.ParseLsn(previous.LastLsn ?? throw MissingRange(previous)), segmentSize) + 1;
    }

    private static ClusterBackupException MissingRange(BackupSet set) =>
        new(ErrorKind.InvalidData, set.BackupSetId.ToString(), $"Backup set {set.BackupSetId} of '{set.Database}' has no WAL range in the catalog.");

    private async Task WaitForArchivedAsync(NpgsqlConnection connection, string path, long segmentSize, string activity, IOperationReporter reporter, CancellationToken cancellationToken)
    {
        var deadline = DateTimeOffset.UtcNow.AddSeconds(postgres.Settings.ArchiveWaitSeconds);
        while (true)
        {
            var info = new FileInfo(path);
            if (info.Exists && info.Length == segmentSize)
                return;
            if (DateTimeOffset.UtcNow > deadline)
            {
                var failed = await ScalarAsync<string>(connection,
                    "SELECT coalesce(last_failed_wal || ' failed at ' || last_failed_time::text, 'no failures recorded') FROM pg_stat_archiver", cancellationToken).ConfigureAwait(false);
                throw new ClusterBackupException(ErrorKind.ResourceUnavailable, path,
                    $"WAL segment {Path.GetFileName(path)} did not reach the archive '{Path.GetDirectoryName(path)}' within {postgres.Settings.ArchiveWaitSeconds} s (archiver: {failed}). Check archive_command on the primary.");
            }
            reporter.Progress(activity, $"waiting for {Path.GetFileName(path)} to be archived", -1);
            await Task.Delay(100, cancellationToken).ConfigureAwait(false);
        }
    }

    private static TimelineHistory ReadHistory(string directory, uint timeline)
    {
        var path = Path.Combine(directory, WalLocation.HistoryFileName(timeline));
        if (!File.Exists(path))
            throw new ClusterBackupException(ErrorKind.ObjectNotFound, path, $"Timeline history {Path.GetFileName(path)} is not in '{directory}'; the WAL after a failover cannot be followed without it.");
        return TimelineHistory.Parse(timeline, File.ReadAllText(path), path);
    }
}
