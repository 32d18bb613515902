using ClusterBackup.Engine.Common;

namespace ClusterBackup.Engine.Databases.PostgreSql;

/// <summary>
/// Finds and runs the server's own tools (pg_basebackup, pg_verifybackup, pg_ctl). The folder is the
/// <c>toolDirectory</c> setting when given; otherwise the first of: <c>pg_config --bindir</c> on PATH,
/// the newest /usr/lib/postgresql/N/bin (Debian, Ubuntu), /usr/pgsql-N/bin (RHEL), a folder on PATH that
/// holds pg_basebackup.
/// </summary>
public sealed class PostgreSqlTools
{
    private PostgreSqlTools(string directory) => Directory = directory;

    public string Directory { get; }

    public static PostgreSqlTools Locate(string? configured, string server)
    {
        if (configured is not null)
            return File.Exists(Path.Combine(configured, ToolName("pg_basebackup")))
                ? new PostgreSqlTools(configured)
                : throw new ClusterBackupException(ErrorKind.ObjectNotFound, server,
                    $"Server '{server}': the toolDirectory '{configured}' does not hold pg_basebackup.");
        foreach (var candidate in Candidates())
            if (File.Exists(Path.Combine(candidate, ToolName("pg_basebackup"))))
                return new PostgreSqlTools(candidate);
        throw new ClusterBackupException(ErrorKind.ObjectNotFound, server,
            $"Server '{server}': the PostgreSQL client tools (pg_basebackup) were not found; install them or set 'toolDirectory' in the server's settings.");
    }

    private static IEnumerable<string> Candidates()
    {
        var path = (Environment.GetEnvironmentVariable("PATH") ?? "").Split(Path.PathSeparator, StringSplitOptions.RemoveEmptyEntries);
        foreach (var dir in path)
        {
            var pgConfig = Path.Combine(dir, ToolName("pg_config"));
            if (!File.Exists(pgConfig))
                continue;
            string? bindir = null;
            try
            {
                var result = ExternalProcess.RunAsync(new ExternalCommand(pgConfig, ["--bindir"], pgConfig, Timeout: TimeSpan.FromSeconds(30))).GetAwaiter().GetResult();
                bindir = result.ExitCode == 0 ? result.StandardOutput.Trim() : null;
            }
            catch (ClusterBackupException) { }
            if (!string.IsNullOrEmpty(bindir))
                yield return bindir;
        }
        foreach (var root in new[] { "/usr/lib/postgresql", "/usr/pgsql-" })
        {
            var parent = Path.GetDirectoryName(root)!;
            if (!System.IO.Directory.Exists(parent))
                continue;
            var versions = System.IO.Directory.GetDirectories(parent)
                .Where(d => d.StartsWith(root, StringComparison.Ordinal))
                .Select(d => (Dir: d, Version: int.TryParse(Path.GetFileName(d).Split('-')[^1], out var v) ? v : -1))
                .Where(x => x.Version > 0)
                .OrderByDescending(x => x.Version);
            foreach (var (dir, _) in versions)
                yield return Path.Combine(dir, "bin");
        }
        foreach (var dir in path)
            yield return dir;
    }

    private static string ToolName(string name) => OperatingSystem.IsWindows() ? name + ".exe" : name;

    public string PathOf(string tool) => Path.Combine(Directory, ToolName(tool));

    /// <summary>
    /// Runs a tool and returns its output; a non-zero exit throws with the tool's last stderr lines.
    /// Passwords travel in PGPASSWORD, never on the command line or in messages. <paramref name="runAs"/>
    /// runs the tool as another OS user (runuser), which the server binaries need when ClusterBackup runs as root.
    /// </summary>
    public async Task<ProcessResult> RunAsync(string tool, IEnumerable<string> arguments, string target, CancellationToken cancellationToken,
        string? password = null, Action<string>? onErrorLine = null, string? runAs = null, IDictionary<string, string>? environment = null)
    {
        IReadOnlyList<string> commandLine = runAs is null ? [.. arguments] : ["-u", runAs, "--", PathOf(tool), .. arguments];
        var variables = new Dictionary<string, string>(environment ?? new Dictionary<string, string>());
        if (password is not null)
            variables["PGPASSWORD"] = password;
        var result = await ExternalProcess.RunAsync(
            new ExternalCommand(runAs is null ? PathOf(tool) : "runuser", commandLine, target, variables, OnErrorLine: onErrorLine),
            cancellationToken).ConfigureAwait(false);
        var errorLines = result.ErrorLines.Where(l => !l.Contains('%') || l.Contains("error", StringComparison.OrdinalIgnoreCase)).ToList();
        return new ProcessResult(tool, result.ExitCode, result.StandardOutput, errorLines);
    }
}

/// <summary>What a tool printed and how it ended.</summary>
public sealed record ProcessResult(string Tool, int ExitCode, string Output, IReadOnlyList<string> ErrorLines)
{
    public string ErrorTail => string.Join(" | ", ErrorLines.TakeLast(4));

    public bool MentionsNoSpace => ErrorLines.Any(l => l.Contains("No space left on device", StringComparison.OrdinalIgnoreCase));
}
