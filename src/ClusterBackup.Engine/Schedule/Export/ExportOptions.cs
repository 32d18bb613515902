using System.Text;

namespace ClusterBackup.Engine.Schedule.Export;

public enum SchedulerKind { TaskScheduler, Systemd, Cron }

/// <summary>
/// How the exported entries start a job on the machine that runs them: the schedule file's path there, the
/// `clusterbackup` CLI (systemd, cron) or pwsh with the module (Task Scheduler), the catalog, the task folder and account.
/// </summary>
public sealed record ExportOptions
{
    /// <summary>The schedule file as the scheduler's machine sees it; every entry runs a job by name from it.</summary>
    public required string SchedulePath { get; init; }
    public string CliPath { get; init; } = "/usr/local/bin/clusterbackup";
    public string PowerShellPath { get; init; } = "pwsh.exe";
    /// <summary>Name or path of the module pwsh imports.</summary>
    public string Module { get; init; } = "ClusterBackup";
    public string? CatalogPath { get; init; }
    /// <summary>Task Scheduler folder the tasks go in; one subfolder per schedule.</summary>
    public string TaskFolder { get; init; } = @"\ClusterBackup";
    /// <summary>Task Scheduler account: a SID or user name. Default S-1-5-18 (Local System), which reaches the share as the computer account.</summary>
    public string RunAs { get; init; } = "S-1-5-18";

    /// <summary>The CLI command line that runs one job, as separate arguments.</summary>
    public IReadOnlyList<string> CliArguments(string job)
    {
        var args = new List<string> { CliPath, "schedule", "run", "--schedule", SchedulePath, "--job", job };
        if (CatalogPath is not null)
            args.AddRange(["--catalog", CatalogPath]);
        return args;
    }

    /// <summary>The pwsh -Command text that runs one job and exits with its status (0, 1, or 75 when refused).</summary>
    public string PowerShellCommand(string job)
    {
        var catalog = CatalogPath is null ? "" : $" -CatalogPath {PsQuote(CatalogPath)}";
        return $"Import-Module {PsQuote(Module)}; $r = Start-ClusterBackupJob -Schedule {PsQuote(SchedulePath)} -Job {PsQuote(job)}{catalog}; exit $r.ExitCode";
    }

    public static string PsQuote(string value) => "'" + value.Replace("'", "''") + "'";

    /// <summary>POSIX shell quoting: bare when safe, otherwise single quotes.</summary>
    public static string ShellQuote(string value) =>
        value.Length > 0 && value.All(c => char.IsAsciiLetterOrDigit(c) || "/._-+:=@,".Contains(c)) ? value : "'" + value.Replace("'", "'\\''") + "'";

    /// <summary>Splits a POSIX shell word list (single quotes, double quotes, backslash), for reading exports back.</summary>
    public static IReadOnlyList<string> ShellSplit(string text)
    {
        var words = new List<string>();
        var current = new StringBuilder();
        var inWord = false;
        for (var i = 0; i < text.Length; i++)
        {
            var c = text[i];
            if (c == '\'')
            {
                var end = text.IndexOf('\'', i + 1);
                current.Append(text, i + 1, end - i - 1);
                i = end;
                inWord = true;
            }
            else if (c == '"')
            {
                for (i++; text[i] != '"'; i++)
                    current.Append(text[i] == '\\' && i + 1 < text.Length && "\"\\$`".Contains(text[i + 1]) ? text[++i] : text[i]);
                inWord = true;
            }
            else if (c == '\\' && i + 1 < text.Length)
            {
                current.Append(text[++i]);
                inWord = true;
            }
            else if (char.IsWhiteSpace(c))
            {
                if (inWord) words.Add(current.ToString());
                current.Clear();
                inWord = false;
            }
            else
            {
                current.Append(c);
                inWord = true;
            }
        }
        if (inWord) words.Add(current.ToString());
        return words;
    }

    /// <summary>A name safe for units, tasks and files: lower-case letters, digits and '-'.</summary>
    public static string Slug(string name) =>
        new string(name.ToLowerInvariant().Select(c => char.IsAsciiLetterOrDigit(c) ? c : '-').ToArray()).Trim('-');
}

/// <summary>One file an export produces: for which scheduler and job, its file name and its text.</summary>
public sealed record ScheduleExportFile(SchedulerKind Scheduler, string Schedule, string? Job, string FileName, string Content)
{
    /// <summary>Where the file was written, once it was.</summary>
    public string? Path { get; init; }
}

/// <summary>What reading an export back gives: each job's weekly starts and the job name its command runs.</summary>
public sealed record ExportedJob(string Job, IReadOnlyList<WeeklySlot> Slots, string SchedulePath);
