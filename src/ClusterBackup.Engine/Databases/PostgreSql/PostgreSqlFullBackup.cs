using System.Globalization;
using System.Text.RegularExpressions;
using ClusterBackup.Engine.Common;
using Newtonsoft.Json.Linq;
using static ClusterBackup.Engine.Databases.PostgreSql.PostgreSqlConnector;
using static ClusterBackup.Engine.Databases.PostgreSql.PostgreSqlFiles;

namespace ClusterBackup.Engine.Databases.PostgreSql;

/// <summary>A full backup: <c>pg_basebackup -Ft -z -X stream</c> into a temporary folder on the share, renamed when complete.</summary>
internal sealed class PostgreSqlFullBackup(PostgreSqlConnector postgres)
{
    public async Task<EngineBackupResult> RunAsync(EngineBackupRequest request, IOperationReporter reporter, CancellationToken cancellationToken)
    {
        var started = DateTimeOffset.UtcNow;
        var (host, port) = postgres.Settings.ParseAddress(request.Server.ConnectionTarget);
        var partial = Path.Combine(request.Directory, request.FileStem + ".partial");
        var final = Path.Combine(request.Directory, request.FileStem);
        var activity = $"Full backup of {request.Database} on {request.Server.VirtualServer} ({request.Server.Node})";
        PostgreSqlTools tools;
        await using (var connection = await postgres.OpenAsync(request.Server.ConnectionTarget, postgres.Settings.MaintenanceDatabase, cancellationToken).ConfigureAwait(false))
            tools = await postgres.ToolsForServerAsync(connection, cancellationToken).ConfigureAwait(false);
        TryDelete.Directory(partial);
        try
        {
            var arguments = new List<string>
            {
                "-h", host, "-p", port.ToString(CultureInfo.InvariantCulture), "-U", postgres.User, "-w",
                "-D", partial, "-Ft", "-z", "-X", "stream", "-c", "fast", "-P",
                "-l", $"clusterbackup {request.FileStem}",
                "--manifest-checksums=" + (request.Checksum ? "SHA256" : "CRC32C"),
            };
            reporter.Verbose($"pg_basebackup {string.Join(' ', arguments)}");
            var result = await tools.RunAsync("pg_basebackup", arguments, request.Server.VirtualServer, cancellationToken, postgres.Password,
                line =>
                {
                    // pg_basebackup is copying into the .partial folder: the stop tests hold the backup here.
                    PausePoint.Reach("backup.copying", cancellationToken);
                    ReportBaseBackupProgress(line, activity, reporter);
                },
                environment: new Dictionary<string, string> { ["PGCONNECT_TIMEOUT"] = postgres.Settings.ConnectTimeoutSeconds.ToString(CultureInfo.InvariantCulture) }).ConfigureAwait(false);
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
            CrashPoint.Reach("backup.before-rename");
            Directory.Move(partial, final);
            CrashPoint.Reach("backup.after-rename");
            reporter.Completed(activity);
            return new EngineBackupResult(Directory.GetFiles(final).Order(StringComparer.Ordinal).ToList(),
                startLsn, endLsn, timeline, started, DateTimeOffset.UtcNow);
        }
        catch
        {
            TryDelete.Directory(partial);
            throw;
        }
    }

    private static void ReportBaseBackupProgress(string line, string activity, IOperationReporter reporter)
    {
        // pg_basebackup -P: "12345/67890 kB (18%), 0/1 tablespace"
        var match = Regex.Match(line, @"\((\d+)%\)");
        if (!match.Success)
            return;
        reporter.Progress(activity, line.Trim(), int.Parse(match.Groups[1].Value, CultureInfo.InvariantCulture));
        // pg_basebackup is writing into the .partial folder.
        CrashPoint.Reach("backup.mid-write");
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
}
