using System.Formats.Tar;
using System.Globalization;
using System.IO.Compression;
using System.Text.RegularExpressions;
using ClusterBackup.Engine.Catalog;
using ClusterBackup.Engine.Common;
using ClusterBackup.Engine.Configuration;
using Newtonsoft.Json.Linq;
using Npgsql;

namespace ClusterBackup.Engine.Databases.PostgreSql;

/// <summary>
/// PostgreSQL through Npgsql and the server's own tools. A backup covers the whole server (instance):
/// PostgreSQL's physical backups and WAL are per server, so the database named in a request is checked to
/// exist and files the backup on the share, as SQL Server's layout does.
/// <list type="bullet">
/// <item>Full: <c>pg_basebackup -Ft -z -X stream</c> onto the share (base.tar.gz, pg_wal.tar.gz, backup_manifest).</item>
/// <item>Log: the WAL segments written since the previous backup, copied from the WAL archive that every node's
/// <c>archive_command</c> fills. The archive is chosen over <c>pg_receivewal</c> because PostgreSQL itself keeps
/// a segment until archive_command has succeeded, on whichever node is primary, so the chain has no gaps and
/// continues across a failover to the promoted standby with nothing changed by hand; pg_receivewal would need a
/// process running all the time and a replication slot, and slots do not follow a failover in PostgreSQL 15.
/// Each log backup closes the current segment (pg_switch_wal), waits until it is archived and records the WAL
/// range and timeline; after a failover it follows the new timeline's history file.</item>
/// <item>Verify: pg_verifybackup on the unpacked full backup; for log backups, WAL continuity along the chain from
/// the full, and each segment's header (address, size, system identifier).</item>
/// <item>Restore: unpack the full into a new data directory, put the chain's WAL where restore_command finds it,
/// run recovery to the point in time and stop the server cleanly.</item>
/// <item>Active node: the server not in recovery, tried through the virtual address first, then the cluster's nodes.</item>
/// </list>
/// Verified here on real PostgreSQL 15 (primary + streaming standby, promotion).
/// </summary>
public sealed class PostgreSqlEngine(ServerDefinition definition, PostgreSqlSettings settings) : IDatabaseEngine, IBackupSizeEstimator
{
    private const string BaseArchive = "base.tar.gz";
    private const string WalArchive = "pg_wal.tar.gz";
    private const string Manifest = "backup_manifest";
    private const string RestoreBlockBegin = "# clusterbackup restore: begin";
    private const string RestoreBlockEnd = "# clusterbackup restore: end";
    private const string TargetNotReached = "recovery ended before configured recovery target was reached";

    private PostgreSqlTools? _tools;

    public string Name => "PostgreSql";

    public PostgreSqlSettings Settings => settings;

    private PostgreSqlTools Tools => _tools ??= PostgreSqlTools.Locate(settings.ToolDirectory, definition.Name);

    private string? Password => definition.Credential?.Password is { Length: > 0 } p ? p : null;

    private string User => definition.Credential?.UserName is { Length: > 0 } u ? u : settings.Username;

    // ---------------------------------------------------------------- active server

    public async Task<DatabaseServer> FindActiveServerAsync(string virtualServer, IReadOnlyList<string> candidates, string database, CancellationToken cancellationToken)
    {
        var attempts = new List<string>();
        var targets = new List<(string Address, string Node)>();
        if (settings.VirtualAddress is { } vip)
            targets.Add((vip, candidates.Count > 0 ? candidates[0] : vip));
        targets.AddRange(candidates.Select(c => (c, c)));
        foreach (var (address, node) in targets.DistinctBy(t => t.Address))
        {
            cancellationToken.ThrowIfCancellationRequested();
            try
            {
                await using var connection = await OpenAsync(address, settings.MaintenanceDatabase, cancellationToken).ConfigureAwait(false);
                if (await ScalarAsync<bool>(connection, "SELECT pg_is_in_recovery()", cancellationToken).ConfigureAwait(false))
                {
                    attempts.Add($"{address}: in recovery (standby)");
                    continue;
                }
                await using var check = new NpgsqlCommand("SELECT count(*) FROM pg_database WHERE datname = $1", connection);
                check.Parameters.AddWithValue(database);
                if (Convert.ToInt64(await check.ExecuteScalarAsync(cancellationToken).ConfigureAwait(false)) == 0)
                    throw new ClusterBackupException(ErrorKind.ObjectNotFound, database,
                        $"Database '{database}' does not exist on server '{virtualServer}' (active node {node}, {address}).") { Cause = "DatabaseNotFound" };
                var (host, port) = settings.ParseAddress(address);
                return new DatabaseServer(virtualServer, node, $"{host}:{port}");
            }
            catch (Exception ex) when (ex is NpgsqlException or TimeoutException or System.Net.Sockets.SocketException)
            {
                attempts.Add($"{address}: {FirstLine(ex.Message)}");
            }
        }
        throw new ClusterBackupException(ErrorKind.ResourceUnavailable, virtualServer,
            $"No active (not in recovery) PostgreSQL server found for '{virtualServer}': {(attempts.Count == 0 ? "no candidates" : string.Join("; ", attempts))}.");
    }

    // ---------------------------------------------------------------- backup

    public Task<EngineBackupResult> BackupAsync(EngineBackupRequest request, IOperationReporter reporter, CancellationToken cancellationToken) =>
        request.Type == BackupType.Full ? FullBackupAsync(request, reporter, cancellationToken) : LogBackupAsync(request, reporter, cancellationToken);

    public async Task<long?> EstimateBackupSizeAsync(EngineBackupRequest request, CancellationToken cancellationToken)
    {
        await using var connection = await OpenAsync(request.Server.ConnectionTarget, settings.MaintenanceDatabase, cancellationToken).ConfigureAwait(false);
        if (request.Type == BackupType.Full)
            return await ScalarAsync<long>(connection, "SELECT sum(pg_database_size(oid))::bigint FROM pg_database", cancellationToken).ConfigureAwait(false);
        var segmentSize = await SegmentSizeAsync(connection, cancellationToken).ConfigureAwait(false);
        var current = WalLocation.ParseLsn(await ScalarAsync<string>(connection, "SELECT pg_current_wal_lsn()::text", cancellationToken).ConfigureAwait(false));
        var start = request.PreviousInChain is { } previous ? StartSegment(previous, segmentSize) * (ulong)segmentSize : current;
        return (long)(current > start ? current - start : 0) + 2 * segmentSize;
    }

    private async Task<EngineBackupResult> FullBackupAsync(EngineBackupRequest request, IOperationReporter reporter, CancellationToken cancellationToken)
    {
        var started = DateTimeOffset.UtcNow;
        var (host, port) = settings.ParseAddress(request.Server.ConnectionTarget);
        var partial = Path.Combine(request.Directory, request.FileStem + ".partial");
        var final = Path.Combine(request.Directory, request.FileStem);
        var activity = $"Full backup of {request.Database} on {request.Server.VirtualServer} ({request.Server.Node})";
        DeleteDirectory(partial);
        try
        {
            var arguments = new List<string>
            {
                "-h", host, "-p", port.ToString(CultureInfo.InvariantCulture), "-U", User, "-w",
                "-D", partial, "-Ft", "-z", "-X", "stream", "-c", "fast", "-P",
                "-l", $"clusterbackup {request.FileStem}",
                "--manifest-checksums=" + (request.Checksum ? "SHA256" : "CRC32C"),
            };
            reporter.Verbose($"pg_basebackup {string.Join(' ', arguments)}");
            var result = await Tools.RunAsync("pg_basebackup", arguments, request.Server.VirtualServer, cancellationToken, Password,
                line => ReportBaseBackupProgress(line, activity, reporter),
                environment: new Dictionary<string, string> { ["PGCONNECT_TIMEOUT"] = settings.ConnectTimeoutSeconds.ToString(CultureInfo.InvariantCulture) }).ConfigureAwait(false);
            if (result.ExitCode != 0)
            {
                if (result.MentionsNoSpace)
                    throw ShareFull(request.Directory, result.ErrorTail);
                throw new ClusterBackupException(ErrorKind.InvalidOperation, request.Database,
                    $"pg_basebackup of '{request.Server.VirtualServer}' ({request.Server.Node}) failed with exit code {result.ExitCode}: {result.ErrorTail}");
            }
            var manifestPath = Path.Combine(partial, Manifest);
            if (!File.Exists(manifestPath) || !File.Exists(Path.Combine(partial, BaseArchive)))
                throw new ClusterBackupException(ErrorKind.InvalidData, partial, $"pg_basebackup finished but '{partial}' lacks {BaseArchive} or {Manifest}.");
            var (timeline, startLsn, endLsn) = ReadWalRange(manifestPath);
            Directory.Move(partial, final);
            reporter.Completed(activity);
            return new EngineBackupResult(Directory.GetFiles(final).Order(StringComparer.Ordinal).ToList(),
                startLsn, endLsn, timeline, started, DateTimeOffset.UtcNow);
        }
        catch
        {
            DeleteDirectory(partial);
            throw;
        }
    }

    private static void ReportBaseBackupProgress(string line, string activity, IOperationReporter reporter)
    {
        // pg_basebackup -P: "12345/67890 kB (18%), 0/1 tablespace"
        var match = Regex.Match(line, @"\((\d+)%\)");
        if (match.Success)
            reporter.Progress(activity, line.Trim(), int.Parse(match.Groups[1].Value, CultureInfo.InvariantCulture));
    }

    private static (string Timeline, string Start, string End) ReadWalRange(string manifestPath)
    {
        try
        {
            var manifest = JObject.Parse(File.ReadAllText(manifestPath));
            var ranges = (JArray?)manifest["WAL-Ranges"] ?? throw new FormatException("no WAL-Ranges");
            var first = ranges.First ?? throw new FormatException("empty WAL-Ranges");
            var last = ranges.Last!;
            return (((long)first["Timeline"]!).ToString(CultureInfo.InvariantCulture), (string)first["Start-LSN"]!, (string)last["End-LSN"]!);
        }
        catch (Exception ex) when (ex is Newtonsoft.Json.JsonException or FormatException or InvalidCastException or NullReferenceException or ArgumentException)
        {
            throw new ClusterBackupException(ErrorKind.InvalidData, manifestPath, $"The backup manifest '{manifestPath}' has no readable WAL range: {ex.Message}", ex);
        }
    }

    private async Task<EngineBackupResult> LogBackupAsync(EngineBackupRequest request, IOperationReporter reporter, CancellationToken cancellationToken)
    {
        var started = DateTimeOffset.UtcNow;
        var previous = request.PreviousInChain ?? throw new ClusterBackupException(ErrorKind.InvalidOperation, request.Database,
            $"Cannot take a log backup of '{request.Database}' on '{request.Server.VirtualServer}': no full backup exists. Take a full backup first.");
        var archive = RequireArchive();
        var activity = $"Log backup of {request.Database} on {request.Server.VirtualServer} ({request.Server.Node})";

        await using var connection = await OpenAsync(request.Server.ConnectionTarget, settings.MaintenanceDatabase, cancellationToken).ConfigureAwait(false);
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
        DeleteDirectory(partial);
        try
        {
            Directory.CreateDirectory(partial);
            for (var i = 0; i < sources.Count; i++)
            {
                cancellationToken.ThrowIfCancellationRequested();
                reporter.Progress(activity, $"copying {Path.GetFileName(sources[i])}", 100 * i / sources.Count);
                CopyFile(sources[i], Path.Combine(partial, Path.GetFileName(sources[i])), request.Directory);
            }
            Directory.Move(partial, final);
        }
        catch
        {
            DeleteDirectory(partial);
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
        var deadline = DateTimeOffset.UtcNow.AddSeconds(settings.ArchiveWaitSeconds);
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
                    $"WAL segment {Path.GetFileName(path)} did not reach the archive '{Path.GetDirectoryName(path)}' within {settings.ArchiveWaitSeconds} s (archiver: {failed}). Check archive_command on the primary.");
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

    // ---------------------------------------------------------------- list

    /// <summary>The server's own record of base backups: the *.backup history files it archives for each pg_basebackup.</summary>
    public Task<IReadOnlyList<EngineBackupRecord>> ListBackupsAsync(DatabaseServer server, string database, CancellationToken cancellationToken)
    {
        var archive = RequireArchive();
        var records = new List<EngineBackupRecord>();
        foreach (var file in Directory.Exists(archive) ? Directory.GetFiles(archive, "*.backup").Order(StringComparer.Ordinal).ToArray() : [])
        {
            var fields = File.ReadAllLines(file).Select(l => l.Split(':', 2)).Where(p => p.Length == 2)
                .GroupBy(p => p[0].Trim()).ToDictionary(g => g.Key, g => g.First()[1].Trim());
            if (!fields.TryGetValue("START WAL LOCATION", out var start) || !fields.TryGetValue("STOP WAL LOCATION", out var stop))
                continue;
            records.Add(new EngineBackupRecord(database, BackupType.Full, ParseHistoryTime(fields.GetValueOrDefault("START TIME")),
                ParseHistoryTime(fields.GetValueOrDefault("STOP TIME")), start.Split(' ')[0], stop.Split(' ')[0], [file]));
        }
        return Task.FromResult<IReadOnlyList<EngineBackupRecord>>(records);
    }

    private static DateTimeOffset ParseHistoryTime(string? text)
    {
        if (text is null)
            return DateTimeOffset.MinValue;
        var trimmed = Regex.Replace(text, @"\s+[A-Za-z]+$", "");
        return DateTimeOffset.TryParse(trimmed, CultureInfo.InvariantCulture, DateTimeStyles.AssumeUniversal, out var value) ? value : DateTimeOffset.MinValue;
    }

    // ---------------------------------------------------------------- verify

    public async Task<VerifyResult> VerifyAsync(BackupSet backupSet, IReadOnlyList<BackupSet> chain, IOperationReporter reporter, CancellationToken cancellationToken)
    {
        var problems = new List<string>();
        if (backupSet.Type == BackupType.Full)
            problems.AddRange(await VerifyFullAsync(backupSet, reporter, cancellationToken).ConfigureAwait(false));
        else
            problems.AddRange(VerifyWalChain(backupSet, chain));
        return new VerifyResult(problems.Count == 0, problems);
    }

    private async Task<IReadOnlyList<string>> VerifyFullAsync(BackupSet set, IOperationReporter reporter, CancellationToken cancellationToken)
    {
        var basePath = set.Files.FirstOrDefault(f => Path.GetFileName(f.Path) == BaseArchive)?.Path;
        var manifest = set.Files.FirstOrDefault(f => Path.GetFileName(f.Path) == Manifest)?.Path;
        if (basePath is null || manifest is null)
            return [$"Backup set {set.BackupSetId} lacks {BaseArchive} or {Manifest}."];
        var scratch = Path.Combine(Path.GetTempPath(), $"clusterbackup-verify-{Guid.NewGuid():N}");
        try
        {
            reporter.Progress($"Verifying {set.Database} full backup", "unpacking", -1);
            await ExtractAsync(basePath, scratch, cancellationToken).ConfigureAwait(false);
            var walPath = set.Files.FirstOrDefault(f => Path.GetFileName(f.Path) == WalArchive)?.Path;
            if (walPath is not null)
                await ExtractAsync(walPath, Path.Combine(scratch, "pg_wal"), cancellationToken).ConfigureAwait(false);
            File.Copy(manifest, Path.Combine(scratch, Manifest), overwrite: true);
            reporter.Progress($"Verifying {set.Database} full backup", "pg_verifybackup", -1);
            var result = await Tools.RunAsync("pg_verifybackup", ["--quiet", scratch], set.Database, cancellationToken).ConfigureAwait(false);
            reporter.Completed($"Verifying {set.Database} full backup");
            return result.ExitCode == 0 ? [] : result.ErrorLines.Select(l => "pg_verifybackup: " + l.Replace(scratch, "<backup>")).DefaultIfEmpty($"pg_verifybackup exited with {result.ExitCode}.").ToList();
        }
        catch (Exception ex) when (ex is InvalidDataException or IOException or FormatException)
        {
            return [$"Cannot unpack the full backup {set.BackupSetId}: {ex.Message}"];
        }
        finally
        {
            DeleteDirectory(scratch);
        }
    }

    /// <summary>
    /// WAL continuity from the chain's full backup to <paramref name="set"/>: each log starts where the previous
    /// backup left off, and each of its segments is present, of the right size, at the address its name says,
    /// on the timeline its history says, from the same database system.
    /// </summary>
    internal static IReadOnlyList<string> VerifyWalChain(BackupSet set, IReadOnlyList<BackupSet> chain)
    {
        var problems = new List<string>();
        var ordered = chain.Where(s => s.Started <= set.Started || s.BackupSetId == set.BackupSetId).OrderBy(s => s.Started).ToList();
        if (ordered.Count == 0 || ordered[0].Type != BackupType.Full)
            return [$"Log backup {set.BackupSetId} of '{set.Database}' has no full backup before it in the chain."];
        var segmentFile = ordered.Where(s => s.Type == BackupType.Log).SelectMany(s => s.Files)
            .FirstOrDefault(f => WalLocation.TryParseSegmentFileName(Path.GetFileName(f.Path), WalLocation.DefaultSegmentSize, out _, out _));
        var segmentSize = segmentFile?.SizeBytes ?? WalLocation.DefaultSegmentSize;
        ulong? systemIdentifier = null;
        var expected = StartSegment(ordered[0], segmentSize);
        foreach (var log in ordered.Skip(1))
        {
            if (log.Type != BackupType.Log)
                continue;
            var first = WalLocation.SegmentOf(WalLocation.ParseLsn(log.FirstLsn ?? "0/0"), segmentSize);
            var last = WalLocation.LastSegmentBefore(WalLocation.ParseLsn(log.LastLsn ?? "0/1"), segmentSize);
            // A log may start before the point the chain reached (the first log after a new full continues from
            // the previous log); only a gap breaks the chain.
            if (first > expected)
                problems.Add($"Log backup {log.BackupSetId} starts at segment {first:X} but the chain reached only {expected:X}: WAL is missing between them.");
            if (log.BackupSetId == set.BackupSetId || problems.Count == 0)
            {
                var timeline = uint.TryParse(log.Timeline, out var t) ? t : 1u;
                var historyFile = log.Files.FirstOrDefault(f => Path.GetFileName(f.Path) == WalLocation.HistoryFileName(timeline));
                var history = timeline == 1 || historyFile is null ? null : TimelineHistory.Parse(timeline, File.ReadAllText(historyFile.Path), historyFile.Path);
                if (timeline > 1 && history is null)
                    problems.Add($"Log backup {log.BackupSetId} is on timeline {timeline} but holds no {WalLocation.HistoryFileName(timeline)}.");
                if (log.BackupSetId == set.BackupSetId)
                    for (var segment = first; segment <= last; segment++)
                    {
                        var name = WalLocation.SegmentFileName(history?.TimelineOfSegment(segment, segmentSize) ?? timeline, segment, segmentSize);
                        var file = log.Files.FirstOrDefault(f => Path.GetFileName(f.Path) == name);
                        if (file is null)
                            problems.Add($"Log backup {log.BackupSetId} lacks WAL segment {name}.");
                        else
                            problems.AddRange(WalSegmentFile.Check(file.Path, segmentSize, ref systemIdentifier));
                    }
            }
            expected = Math.Max(expected, last + 1);
            if (log.BackupSetId == set.BackupSetId)
                break;
        }
        return problems;
    }

    // ---------------------------------------------------------------- restore

    public async Task RestoreAsync(RestoreRequest request, IOperationReporter reporter, CancellationToken cancellationToken)
    {
        if (request.Chain.Count == 0 || request.Chain[0].Type != BackupType.Full)
            throw new ClusterBackupException(ErrorKind.InvalidArgument, request.TargetLocation, "A restore chain starts with a full backup.");
        var target = Path.GetFullPath(request.TargetLocation);
        if (Directory.Exists(target) && Directory.EnumerateFileSystemEntries(target).Any())
            throw new ClusterBackupException(ErrorKind.InvalidArgument, target, $"The restore target '{target}' is not empty; restores go into a new data directory.");
        var full = request.Chain[0];
        var activity = $"Restoring {full.Database} into {target}";
        var spool = target.TrimEnd(Path.DirectorySeparatorChar) + ".restore-wal";
        var runtime = Path.Combine(Path.GetTempPath(), $"cb-restore-{Guid.NewGuid().ToString("N")[..12]}");
        var serverUser = settings.ServerUser ?? (Environment.UserName == "root" && !OperatingSystem.IsWindows() ? "postgres" : null);
        var targetExisted = Directory.Exists(target);
        var completed = false;
        try
        {
            reporter.Progress(activity, "unpacking the full backup", 5);
            Directory.CreateDirectory(target);
            await ExtractAsync(FileNamed(full, BaseArchive), target, cancellationToken).ConfigureAwait(false);
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
            completed = true;
            reporter.Completed(activity);
        }
        finally
        {
            DeleteDirectory(spool);
            DeleteDirectory(runtime);
            // A half-restored data directory must not be mistaken for a restored one.
            if (!completed)
            {
                if (targetExisted)
                    foreach (var entry in Directory.Exists(target) ? Directory.GetFileSystemEntries(target) : [])
                        if (Directory.Exists(entry)) DeleteDirectory(entry); else File.Delete(entry);
                else
                    DeleteDirectory(target);
            }
        }
    }

    private async Task RecoverAsync(string target, string runtime, string? serverUser, DateTimeOffset? pointInTime, IOperationReporter reporter, string activity, CancellationToken cancellationToken)
    {
        var port = FreePort();
        var log = Path.Combine(runtime, "recovery.log");
        var options = $"-c port={port} -c listen_addresses='' -c unix_socket_directories='{runtime}' -c archive_mode=off -c hot_standby=on";
        var start = await Tools.RunAsync("pg_ctl", ["-D", target, "-l", log, "-w", "-t", settings.RecoveryTimeoutSeconds.ToString(CultureInfo.InvariantCulture), "-o", options, "start"],
            target, cancellationToken, runAs: serverUser).ConfigureAwait(false);
        try
        {
            if (start.ExitCode != 0)
                throw RecoveryFailed(target, log, start.ErrorTail);
            var builder = new NpgsqlConnectionStringBuilder
            {
                Host = runtime, Port = port, Username = User, Password = Password, Database = "postgres", Pooling = false, Timeout = 5,
            };
            var deadline = DateTimeOffset.UtcNow.AddSeconds(settings.RecoveryTimeoutSeconds);
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
                    throw RecoveryFailed(target, log, $"recovery did not finish within {settings.RecoveryTimeoutSeconds} s");
                reporter.Progress(activity, pointInTime is null ? "replaying WAL" : $"replaying WAL up to {pointInTime:u}", 70);
                await Task.Delay(200, cancellationToken).ConfigureAwait(false);
            }
        }
        finally
        {
            await Tools.RunAsync("pg_ctl", ["-D", target, "-m", "fast", "-w", "stop"], target, CancellationToken.None, runAs: serverUser).ConfigureAwait(false);
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

    // ---------------------------------------------------------------- helpers

    private string RequireArchive() =>
        settings.WalArchive ?? throw new ClusterBackupException(ErrorKind.InvalidData, definition.Name,
            $"Server '{definition.Name}' has no 'walArchive' setting: log backups read the WAL that archive_command copies there. See docs/configuration.md.");

    private async Task<NpgsqlConnection> OpenAsync(string address, string database, CancellationToken cancellationToken)
    {
        var (host, port) = settings.ParseAddress(address);
        var builder = new NpgsqlConnectionStringBuilder
        {
            Host = host, Port = port, Username = User, Password = Password, Database = database,
            Timeout = settings.ConnectTimeoutSeconds, Pooling = false, CommandTimeout = 0,
        };
        var connection = new NpgsqlConnection(builder.ConnectionString);
        try
        {
            await connection.OpenAsync(cancellationToken).ConfigureAwait(false);
            return connection;
        }
        catch
        {
            await connection.DisposeAsync().ConfigureAwait(false);
            throw;
        }
    }

    private static async Task<T> ScalarAsync<T>(NpgsqlConnection connection, string sql, CancellationToken cancellationToken)
    {
        await using var command = new NpgsqlCommand(sql, connection);
        var value = await command.ExecuteScalarAsync(cancellationToken).ConfigureAwait(false);
        return value is T typed ? typed : (T)Convert.ChangeType(value!, typeof(T), CultureInfo.InvariantCulture);
    }

    private static async Task<long> SegmentSizeAsync(NpgsqlConnection connection, CancellationToken cancellationToken) =>
        await ScalarAsync<long>(connection, "SELECT setting::bigint FROM pg_settings WHERE name = 'wal_segment_size'", cancellationToken).ConfigureAwait(false);

    private static string FileNamed(BackupSet set, string name) =>
        set.Files.FirstOrDefault(f => Path.GetFileName(f.Path) == name)?.Path
        ?? throw new ClusterBackupException(ErrorKind.InvalidData, set.BackupSetId.ToString(), $"Backup set {set.BackupSetId} of '{set.Database}' has no {name}.");

    private static async Task ExtractAsync(string archive, string directory, CancellationToken cancellationToken)
    {
        Directory.CreateDirectory(directory);
        await using var file = File.OpenRead(archive);
        await using var gzip = new GZipStream(file, CompressionMode.Decompress);
        await TarFile.ExtractToDirectoryAsync(gzip, directory, overwriteFiles: false, cancellationToken).ConfigureAwait(false);
    }

    private static void CopyFile(string source, string destination, string share)
    {
        try
        {
            File.Copy(source, destination, overwrite: false);
        }
        catch (IOException ex) when (IsDiskFull(ex))
        {
            throw ShareFull(share, ex.Message);
        }
    }

    internal static bool IsDiskFull(IOException ex) =>
        ex.Message.Contains("No space left", StringComparison.OrdinalIgnoreCase) || (ex.HResult & 0xFFFF) is 28 or 39 or 112;

    internal static ClusterBackupException ShareFull(string directory, string detail) =>
        new(ErrorKind.ResourceUnavailable, directory, $"The backup share is full at '{directory}': {detail}");

    private static void DeleteDirectory(string path)
    {
        try
        {
            if (Directory.Exists(path))
                Directory.Delete(path, recursive: true);
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException) { }
    }

    private static int FreePort()
    {
        using var listener = new System.Net.Sockets.TcpListener(System.Net.IPAddress.Loopback, 0);
        listener.Start();
        return ((System.Net.IPEndPoint)listener.LocalEndpoint).Port;
    }

    private static string FirstLine(string text) => text.Split('\n')[0].Trim();
}

/// <summary>Engine "PostgreSql": settings in <see cref="PostgreSqlSettings"/>.</summary>
internal sealed class PostgreSqlEngineFactory : IDatabaseEngineFactory
{
    public string Engine => "PostgreSql";

    public IDatabaseEngine Create(ServerDefinition definition) =>
        new PostgreSqlEngine(definition, PostgreSqlSettings.From(definition.Name, definition.Settings));
}
