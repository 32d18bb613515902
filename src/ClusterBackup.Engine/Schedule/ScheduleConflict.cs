namespace ClusterBackup.Engine.Schedule;

/// <summary>
/// Two planned runs that would overlap: which jobs, when each starts and ends, the overlap and its length, why they
/// may not overlap, and the smallest shift of one of the two jobs that removes the conflict without adding another.
/// Times are the admin's wall-clock times (the schedule's zone) and UTC.
/// </summary>
public sealed record ScheduleConflict
{
    public required string Schedule { get; init; }
    public required string FirstJob { get; init; }
    public required string SecondJob { get; init; }
    public required DateTimeOffset FirstStart { get; init; }
    public required DateTimeOffset FirstEnd { get; init; }
    public required DateTimeOffset SecondStart { get; init; }
    public required DateTimeOffset SecondEnd { get; init; }
    /// <summary>Where the overlap starts (the second run's start), in the schedule's zone.</summary>
    public required DateTimeOffset OverlapStart { get; init; }
    public required TimeSpan Overlap { get; init; }
    public required string Reason { get; init; }
    /// <summary>The job to move for the smallest fix, or null when no shift within a day removes the conflict.</summary>
    public string? ShiftJob { get; init; }
    /// <summary>How far to move <see cref="ShiftJob"/>: positive later, negative earlier, whole minutes.</summary>
    public TimeSpan? Shift { get; init; }
    /// <summary>The suggestion in words, e.g. "start 'share-to-tape' 25 min later (04:30 -> 04:55)".</summary>
    public required string Suggestion { get; init; }

    public string Day => OverlapStart.DayOfWeek.ToString();

    public override string ToString() =>
        $"{FirstJob} ({FirstStart:ddd HH:mm}-{FirstEnd:HH:mm}) overlaps {SecondJob} ({SecondStart:ddd HH:mm}-{SecondEnd:HH:mm}) by {Overlap.TotalMinutes:0} min: {Reason}. Fix: {Suggestion}.";
}
