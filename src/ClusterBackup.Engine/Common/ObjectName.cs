namespace ClusterBackup.Engine.Common;

/// <summary>The kinds of name an admin gives ClusterBackup that become names outside it.</summary>
public enum ObjectNameKind
{
    /// <summary>A schedule: part of every unit, task and crontab block it exports to.</summary>
    Schedule,
    /// <summary>A job of a schedule: part of its systemd unit and its Task Scheduler task.</summary>
    ScheduledJob,
}

/// <summary>
/// The one rule for names that leave ClusterBackup as file, unit, task or crontab names: 1 to 64 ASCII letters,
/// digits, '-', '_' and '.', starting with a letter or digit. ASCII only, because a unit name and a task path
/// must be the same name on every system the schedule is exported to; no control characters, so a name can never
/// end a line in a unit file or crontab and start a command. Checked where a name enters (the schedule reader
/// and every schedule built in code, before any export).
/// </summary>
public static class ObjectName
{
    /// <summary>The longest name: a systemd unit name is at most 255 bytes, with the prefix and both names in it.</summary>
    public const int MaximumLength = 64;

    /// <summary>Whether <paramref name="name"/> follows the rule.</summary>
    public static bool IsValid(string? name) =>
        !string.IsNullOrEmpty(name) && name.Length <= MaximumLength && char.IsAsciiLetterOrDigit(name[0])
        && name.All(c => char.IsAsciiLetterOrDigit(c) || c is '-' or '_' or '.');

    /// <summary>Throws an error naming the object, its kind and the rule when <paramref name="name"/> breaks it.</summary>
    /// <param name="kind">What is named.</param>
    /// <param name="name">The name given.</param>
    /// <param name="where">Where the name came from (a file, a schedule), for the message.</param>
    public static void Check(ObjectNameKind kind, string? name, string where)
    {
        if (IsValid(name))
            return;
        var shown = name is null ? "(none)" : $"'{Printable(name)}'";
        throw new ClusterBackupException(ErrorKind.InvalidConfiguration, name ?? "",
            $"{Describe(kind)} name {shown} in {where} is not allowed: a name is 1 to {MaximumLength} ASCII letters, digits, '-', '_' and '.', "
            + "starting with a letter or digit, because it becomes a unit, task and file name.");
    }

    /// <summary>Control characters shown escaped, so an error about a name with a line break stays one line.</summary>
    public static string Printable(string name) =>
        string.Concat(name.Select(c => char.IsControl(c) ? $"\\u{(int)c:x4}" : c.ToString()));

    private static string Describe(ObjectNameKind kind) => kind switch
    {
        ObjectNameKind.Schedule => "Schedule",
        ObjectNameKind.ScheduledJob => "Job",
        _ => kind.ToString(),
    };
}
