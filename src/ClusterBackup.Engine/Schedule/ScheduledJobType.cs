namespace ClusterBackup.Engine.Schedule;

/// <summary>
/// The five kinds of scheduled job of the coordinated week: full and log backups of the
/// clustered database to the backup share, each either initialising the share's media set (With Init)
/// or appending to it (No Init), and the backup of the share to tape.
/// </summary>
public enum ScheduledJobType
{
    FullDbWithInit,
    FullDbNoInit,
    TransDbWithInit,
    TransDbNoInit,
    ShareToTape,
}

/// <summary>Which side of the backup server a job works on; a database -> share job and a share -> tape job never run together.</summary>
public enum JobCategory
{
    DatabaseToShare,
    ShareToTape,
}

/// <summary>What each job type means: its label in the week's grid, its category, and whether it is a full, a log, and initialises.</summary>
public static class ScheduledJobTypes
{
    public static string DisplayName(this ScheduledJobType type) => type switch
    {
        ScheduledJobType.FullDbWithInit => "FullDB With Init",
        ScheduledJobType.FullDbNoInit => "FullDB No Init",
        ScheduledJobType.TransDbWithInit => "TransDB With Init",
        ScheduledJobType.TransDbNoInit => "TransDB No Init",
        ScheduledJobType.ShareToTape => "Share -> tape",
        _ => type.ToString(),
    };

    public static JobCategory Category(this ScheduledJobType type) =>
        type == ScheduledJobType.ShareToTape ? JobCategory.ShareToTape : JobCategory.DatabaseToShare;

    public static bool IsFull(this ScheduledJobType type) => type is ScheduledJobType.FullDbWithInit or ScheduledJobType.FullDbNoInit;

    public static bool IsLog(this ScheduledJobType type) => type is ScheduledJobType.TransDbWithInit or ScheduledJobType.TransDbNoInit;

    public static bool Initializes(this ScheduledJobType type) => type is ScheduledJobType.FullDbWithInit or ScheduledJobType.TransDbWithInit;

    /// <summary>Parses the enum name or the grid label ("FullDB With Init"), ignoring case and spaces.</summary>
    public static bool TryParse(string? text, out ScheduledJobType type)
    {
        type = default;
        if (string.IsNullOrWhiteSpace(text))
            return false;
        var key = Normalize(text);
        foreach (var candidate in Enum.GetValues<ScheduledJobType>())
            if (Normalize(candidate.ToString()) == key || Normalize(candidate.DisplayName()) == key)
            {
                type = candidate;
                return true;
            }
        return false;
    }

    private static string Normalize(string text) =>
        new(text.Where(char.IsLetterOrDigit).Select(char.ToLowerInvariant).ToArray());
}
