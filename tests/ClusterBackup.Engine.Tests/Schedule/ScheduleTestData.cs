using ClusterBackup.Engine.Common;
using ClusterBackup.Engine.Schedule;

namespace ClusterBackup.Engine.Tests.Schedule;

internal static class ScheduleTestData
{
    public const string NewYork = "America/New_York";

    /// <summary>Monday 2026-11-23 00:00 in the zone: an ordinary week with no daylight-saving change.</summary>
    public static DateTimeOffset OrdinaryMonday(string zone) => Local(zone, new DateTime(2026, 11, 23));

    public static DateTimeOffset Local(string zone, DateTime local) =>
        ScheduleExpander.ToInstant(DateTime.SpecifyKind(local, DateTimeKind.Unspecified), TimeZoneInfo.FindSystemTimeZoneById(zone)).Instant;

    /// <summary>Runs the overlap check of Test-ClusterBackupSchedule on a request, reporting nowhere.</summary>
    public static Task<OverlapCheckResult> TestAsync(TestScheduleRequest request) =>
        new TestScheduleOperation().RunAsync(request, NullOperationReporter.Instance, CancellationToken.None);

    public static BackupSchedule WithJob(BackupSchedule schedule, string name, Func<ScheduledJob, ScheduledJob> change) =>
        schedule with { Jobs = schedule.Jobs.Select(j => j.Name == name ? change(j) : j).ToList() };
}

/// <summary>A clock the test moves by hand.</summary>
internal sealed class ManualClock(DateTimeOffset now) : TimeProvider
{
    public DateTimeOffset Now { get; set; } = now;
    public override DateTimeOffset GetUtcNow() => Now;
}
