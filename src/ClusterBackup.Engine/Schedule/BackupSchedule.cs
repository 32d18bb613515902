using ClusterBackup.Engine.Common;

namespace ClusterBackup.Engine.Schedule;

/// <summary>
/// A coordinated backup week: named jobs with their recurrences, read in one time zone (the admin's). Stored as
/// versioned JSON (docs/schedule-format.md) by <see cref="ScheduleFile"/>.
/// </summary>
public sealed record BackupSchedule
{
    public const int CurrentFormatVersion = 1;

    public required string Name { get; init; }

    /// <summary>IANA (or Windows) time zone id the recurrences are written in, e.g. "Europe/Berlin".</summary>
    public required string TimeZone { get; init; }

    public IReadOnlyList<ScheduledJob> Jobs { get; init; } = [];

    /// <summary>The file this schedule was read from, when it was read from one.</summary>
    public string? Path { get; init; }

    public int JobCount => Jobs.Count;

    public TimeZoneInfo ResolveTimeZone() => ResolveTimeZone(TimeZone, Name);

    public static TimeZoneInfo ResolveTimeZone(string id, string target)
    {
        try
        {
            return TimeZoneInfo.FindSystemTimeZoneById(id);
        }
        catch (Exception ex) when (ex is TimeZoneNotFoundException or InvalidTimeZoneException)
        {
            throw new ClusterBackupException(ErrorKind.InvalidArgument, target, $"Schedule '{target}' names time zone '{id}', which this machine does not know: {ex.Message}", ex);
        }
    }

    /// <summary>
    /// The zone as an IANA id, which systemd's OnCalendar needs: a Windows id ("W. Europe Standard Time") is
    /// converted; an id that is already IANA is returned as is.
    /// </summary>
    public string IanaTimeZone()
    {
        ResolveTimeZone();
        return TimeZoneInfo.TryConvertWindowsIdToIanaId(TimeZone, out var iana) ? iana : TimeZone;
    }

    public ScheduledJob Job(string name) =>
        Jobs.FirstOrDefault(j => string.Equals(j.Name, name, StringComparison.OrdinalIgnoreCase))
        ?? throw new ClusterBackupException(ErrorKind.ObjectNotFound, name,
            $"Schedule '{Name}' has no job '{name}'; its jobs are: {string.Join(", ", Jobs.Select(j => j.Name))}.");

    /// <summary>Checks what JSON alone cannot: unique names, sensible recurrences, a known time zone.</summary>
    public void Validate()
    {
        var where = Path is null ? "the schedule" : $"'{Path}'";
        ObjectName.Check(ObjectNameKind.Schedule, Name, where);
        ResolveTimeZone();
        foreach (var job in Jobs)
            ObjectName.Check(ObjectNameKind.ScheduledJob, job.Name, $"schedule '{Name}'");
        // Names that differ only in case or punctuation become the same unit and task name when exported;
        // one of them would never be scheduled, so such a schedule is refused.
        var clash = Jobs.GroupBy(j => Export.ExportOptions.Slug(j.Name), StringComparer.Ordinal).FirstOrDefault(g => g.Count() > 1);
        if (clash is not null)
            throw new ClusterBackupException(ErrorKind.InvalidConfiguration, clash.First().Name,
                $"Schedule '{Name}' has jobs {string.Join(", ", clash.Select(j => $"'{j.Name}'"))} whose names differ only in case or punctuation; "
                + $"they would all be exported as '{clash.Key}'. Rename all but one.");
        foreach (var job in Jobs)
        {
            if (job.Recurrence.At.Second != 0 || job.Recurrence.At.Millisecond != 0 || job.Recurrence.Until is { Second: not 0 })
                throw new ClusterBackupException(ErrorKind.InvalidConfiguration, job.Name, $"Job '{job.Name}': times are whole minutes.");
            if (job.Recurrence.EveryHours is { } hours && (hours < 1 || hours > 23))
                throw new ClusterBackupException(ErrorKind.InvalidConfiguration, job.Name, $"Job '{job.Name}': everyHours must be between 1 and 23, not {hours}.");
            if (job.Enabled && job.Recurrence.Days.Count == 0)
                throw new ClusterBackupException(ErrorKind.InvalidConfiguration, job.Name, $"Job '{job.Name}' is enabled but names no days.");
            if (job.ExpectedDuration <= TimeSpan.Zero || job.ExpectedDuration > TimeSpan.FromDays(7))
                throw new ClusterBackupException(ErrorKind.InvalidConfiguration, job.Name, $"Job '{job.Name}': expectedMinutes must be between 1 and 10080.");
            if (job.Category == JobCategory.DatabaseToShare && job.Databases.Count == 0)
                throw new ClusterBackupException(ErrorKind.InvalidConfiguration, job.Name, $"Job '{job.Name}' ({job.TypeName}) names no database.");
        }
    }
}
