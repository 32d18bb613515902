namespace ClusterBackup.Engine.Schedule;

/// <summary>
/// One run of a job as the schedule plans it: when it starts (UTC, and the wall-clock time the admin reads), and
/// when it is expected to end. <see cref="Shifted"/> is true when the wall-clock start does not exist (the hour that
/// daylight saving skips) and the run moves forward by the gap.
/// </summary>
public sealed record ScheduleOccurrence(ScheduledJob Job, DateTimeOffset Start, DateTimeOffset End, DateTime PlannedLocal, DateTimeOffset LocalStart, bool Shifted)
{
    public string JobName => Job.Name;
    public TimeSpan Duration => End - Start;
}
