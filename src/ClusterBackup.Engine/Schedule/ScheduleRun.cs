namespace ClusterBackup.Engine.Schedule;

public enum ScheduleRunStatus { Running, Succeeded, Failed, Refused, Abandoned }

/// <summary>One run of a scheduled job as the catalog records it (table schedule_runs).</summary>
public sealed record ScheduleRun
{
    public required string RunId { get; init; }
    public required string Schedule { get; init; }
    public required string Job { get; init; }
    public required ScheduledJobType Type { get; init; }
    public required string Host { get; init; }
    public required int ProcessId { get; init; }
    public required DateTimeOffset Started { get; init; }
    public DateTimeOffset? Finished { get; init; }
    public required ScheduleRunStatus Status { get; init; }
    public string? Message { get; init; }
    public TimeSpan? Duration => Finished - Started;
}
