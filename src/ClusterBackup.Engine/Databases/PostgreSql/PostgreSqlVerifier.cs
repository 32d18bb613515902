using ClusterBackup.Engine.Catalog;
using ClusterBackup.Engine.Common;
using static ClusterBackup.Engine.Databases.PostgreSql.PostgreSqlFiles;

namespace ClusterBackup.Engine.Databases.PostgreSql;

/// <summary>
/// Verifies backup sets: pg_verifybackup on the unpacked full backup; for log backups, WAL continuity along the chain
/// from the full, and each segment's header.
/// </summary>
internal sealed class PostgreSqlVerifier(PostgreSqlConnector postgres)
{
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
            var result = await postgres.ToolsForDataDirectory(scratch).RunAsync("pg_verifybackup", ["--quiet", scratch], set.Database, cancellationToken).ConfigureAwait(false);
            reporter.Completed($"Verifying {set.Database} full backup");
            return result.ExitCode == 0 ? [] : result.ErrorLines.Select(l => "pg_verifybackup: " + l.Replace(scratch, "<backup>")).DefaultIfEmpty($"pg_verifybackup exited with {result.ExitCode}.").ToList();
        }
        catch (Exception ex) when (ex is InvalidDataException or IOException or FormatException)
        {
            return [$"Cannot unpack the full backup {set.BackupSetId}: {ex.Message}"];
        }
        catch (ClusterBackupException ex) when (ex.Kind == ErrorKind.InvalidData)
        {
            // The unpacked backup names no PostgreSQL version (PG_VERSION), so it is not a complete base backup.
            return [$"The full backup {set.BackupSetId} is not a PostgreSQL base backup: {ex.Message}"];
        }
        finally
        {
            TryDelete.Directory(scratch);
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
        var expected = PostgreSqlLogBackup.StartSegment(ordered[0], segmentSize);
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
}
