using System.Collections.Concurrent;
using System.Globalization;
using System.Text.RegularExpressions;
using ClusterBackup.Engine.Common;

namespace ClusterBackup.Engine.Databases.PostgreSql;

/// <summary>
/// Finds and runs the server's own tools (pg_basebackup, pg_verifybackup, pg_ctl) of the server's major version:
/// pg_ctl must match the data directory it starts, and the backup and verify tools are taken from the same release.
/// The folder is the <c>toolDirectory</c> setting when given (its version is checked); otherwise the first that holds
/// the tools of that major version: <c>pg_config --bindir</c> of a pg_config on PATH that reports the version,
/// /usr/lib/postgresql/MAJOR/bin (Debian, Ubuntu), /usr/pgsql-MAJOR/bin (RHEL), a folder on PATH whose pg_basebackup
/// reports the version. The major version comes from the server (<c>server_version_num</c>) or from the
/// PG_VERSION file of the data directory being verified or restored.
/// </summary>
public sealed class PostgreSqlTools
{
    private static readonly string[] PackageFolders = ["/usr/lib/postgresql/{0}/bin", "/usr/pgsql-{0}/bin"];
    private static readonly ConcurrentDictionary<string, string?> FolderVersions = new(StringComparer.Ordinal);

    private PostgreSqlTools(string directory, string? majorVersion)
    {
        Directory = directory;
        MajorVersion = majorVersion;
    }

    /// <summary>The folder the tools run from.</summary>
    public string Directory { get; }

    /// <summary>The major version the tools were chosen for ("15", "9.6"); null when no version was asked for.</summary>
    public string? MajorVersion { get; }

    /// <summary>The tools for <paramref name="majorVersion"/> (null: the first found), or the configured folder.</summary>
    /// <param name="configured">The server's <c>toolDirectory</c> setting; null searches.</param>
    /// <param name="server">The server, named in errors.</param>
    /// <param name="majorVersion">The server's major version ("15"); null takes the first tools found.</param>
    public static PostgreSqlTools Locate(string? configured, string server, string? majorVersion = null) =>
        Locate(configured, server, majorVersion, PackageFolders, Environment.GetEnvironmentVariable("PATH"));

    /// <summary>As <see cref="Locate(string?, string, string?)"/>, with the package folders (a {0} for the major
    /// version) and the PATH to search given; tests use it with a folder of stand-ins.</summary>
    internal static PostgreSqlTools Locate(string? configured, string server, string? majorVersion, IReadOnlyList<string> packageFolders, string? searchPath)
    {
        if (configured is not null)
        {
            if (!File.Exists(Path.Combine(configured, ToolName("pg_basebackup"))))
                throw new ClusterBackupException(ErrorKind.ObjectNotFound, server,
                    $"Server '{server}': the toolDirectory '{configured}' does not hold pg_basebackup.");
            if (majorVersion is not null && VersionOfFolder(configured) is { } found && found != majorVersion)
                throw new ClusterBackupException(ErrorKind.InvalidArgument, server,
                    $"Server '{server}' runs PostgreSQL {majorVersion}, but the toolDirectory '{configured}' holds the tools of PostgreSQL {found}; point toolDirectory at the {majorVersion} tools.");
            return new PostgreSqlTools(configured, majorVersion);
        }
        var path = (searchPath ?? "").Split(Path.PathSeparator, StringSplitOptions.RemoveEmptyEntries);
        foreach (var candidate in Candidates(majorVersion, packageFolders, path))
            if (File.Exists(Path.Combine(candidate, ToolName("pg_basebackup"))))
                return new PostgreSqlTools(candidate, majorVersion);
        if (majorVersion is null)
            throw new ClusterBackupException(ErrorKind.ObjectNotFound, server,
                $"Server '{server}': the PostgreSQL client tools (pg_basebackup) were not found; install them or set 'toolDirectory' in the server's settings.");
        throw new ClusterBackupException(ErrorKind.ObjectNotFound, server,
            $"Server '{server}' runs PostgreSQL {majorVersion}, and the tools of PostgreSQL {majorVersion} (pg_basebackup, pg_ctl) were not found: " +
            $"no pg_config on PATH reports {majorVersion}, and {string.Join(" and ", packageFolders.Select(f => string.Format(CultureInfo.InvariantCulture, f, majorVersion)))} do not hold them. " +
            $"Install the PostgreSQL {majorVersion} client and server packages, or set 'toolDirectory' in the server's settings.");
    }

    /// <summary>The major version of a <c>server_version_num</c>: 150008 is "15", 90624 is "9.6".</summary>
    public static string MajorOfVersionNumber(int versionNumber) =>
        versionNumber >= 100000
            ? (versionNumber / 10000).ToString(CultureInfo.InvariantCulture)
            : $"{versionNumber / 10000}.{versionNumber / 100 % 100}";

    /// <summary>The major version of the tools that printed <paramref name="versionOutput"/>
    /// ("pg_basebackup (PostgreSQL) 15.8 (Debian 15.8-0+deb12u1)", "PostgreSQL 16.2"); null when it names none.</summary>
    public static string? MajorOfVersionOutput(string versionOutput)
    {
        var match = Regex.Match(versionOutput, @"PostgreSQL\)?\s+(\d+)(?:\.(\d+))?");
        if (!match.Success)
            return null;
        var first = int.Parse(match.Groups[1].Value, CultureInfo.InvariantCulture);
        return first >= 10 || !match.Groups[2].Success ? match.Groups[1].Value : $"{first}.{match.Groups[2].Value}";
    }

    /// <summary>The major version a data directory (or an unpacked base backup) belongs to: its PG_VERSION file.</summary>
    public static string MajorOfDataDirectory(string dataDirectory)
    {
        var file = Path.Combine(dataDirectory, "PG_VERSION");
        var text = File.Exists(file) ? File.ReadAllText(file).Trim() : "";
        if (!Regex.IsMatch(text, @"^\d+(\.\d+)?$"))
            throw new ClusterBackupException(ErrorKind.InvalidData, file,
                text.Length == 0 ? $"'{dataDirectory}' has no PG_VERSION file: it is not a PostgreSQL data directory." : $"'{file}' does not hold a PostgreSQL major version: '{text}'.");
        return text;
    }

    private static IEnumerable<string> Candidates(string? majorVersion, IReadOnlyList<string> packageFolders, string[] path)
    {
        foreach (var dir in path)
        {
            var pgConfig = Path.Combine(dir, ToolName("pg_config"));
            if (!File.Exists(pgConfig))
                continue;
            if (majorVersion is not null && MajorOfVersionOutput(Output(pgConfig, "--version") ?? "") != majorVersion)
                continue;
            var bindir = Output(pgConfig, "--bindir")?.Trim();
            if (!string.IsNullOrEmpty(bindir))
                yield return bindir;
        }
        if (majorVersion is not null)
        {
            foreach (var folder in packageFolders)
                yield return string.Format(CultureInfo.InvariantCulture, folder, majorVersion);
            foreach (var dir in path)
                if (File.Exists(Path.Combine(dir, ToolName("pg_basebackup"))) && VersionOfFolder(dir) == majorVersion)
                    yield return dir;
            yield break;
        }
        foreach (var folder in packageFolders)
        {
            var pattern = folder.Replace("{0}", "*", StringComparison.Ordinal);
            var parent = Path.GetDirectoryName(pattern[..pattern.IndexOf('*', StringComparison.Ordinal)]) ?? "";
            if (parent.Length == 0 || !System.IO.Directory.Exists(parent))
                continue;
            var prefix = folder[..folder.IndexOf("{0}", StringComparison.Ordinal)];
            var suffix = folder[(folder.IndexOf("{0}", StringComparison.Ordinal) + 3)..];
            var versions = System.IO.Directory.GetDirectories(parent)
                .Where(d => d.StartsWith(prefix, StringComparison.Ordinal))
                .Select(d => (Dir: d + suffix, Version: decimal.TryParse(d[prefix.Length..], NumberStyles.AllowDecimalPoint, CultureInfo.InvariantCulture, out var v) ? v : -1))
                .Where(x => x.Version > 0)
                .OrderByDescending(x => x.Version);
            foreach (var (dir, _) in versions)
                yield return dir;
        }
        foreach (var dir in path)
            yield return dir;
    }

    /// <summary>The major version of the tools in a folder, from its pg_config or pg_basebackup; null when neither says.</summary>
    private static string? VersionOfFolder(string folder) =>
        FolderVersions.GetOrAdd(Path.GetFullPath(folder), full =>
        {
            foreach (var tool in new[] { "pg_config", "pg_basebackup" })
            {
                var program = Path.Combine(full, ToolName(tool));
                if (File.Exists(program) && Output(program, "--version") is { } output && MajorOfVersionOutput(output) is { } major)
                    return major;
            }
            return null;
        });

    private static string? Output(string program, string argument)
    {
        try
        {
            var result = ExternalProcess.RunAsync(new ExternalCommand(program, [argument], program, Timeout: TimeSpan.FromSeconds(30))).GetAwaiter().GetResult();
            return result.ExitCode == 0 ? result.StandardOutput : null;
        }
        catch (ClusterBackupException)
        {
            return null;
        }
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
        IReadOnlyList<string> commandLine = runAs is null ? [.. arguments] : ["-u", runAs, "--", .. ExternalProcess.ParentDeathPrefix, PathOf(tool), .. arguments];
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
