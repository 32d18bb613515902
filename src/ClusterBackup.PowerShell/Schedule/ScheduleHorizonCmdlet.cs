using System.Management.Automation;
using ClusterBackup.Engine.Schedule;

namespace ClusterBackup.PowerShell.Schedule;

/// <summary>
/// The base of the cmdlets that expand a schedule over a horizon and check it for overlaps (Show-ClusterBackupWeek,
/// Test-ClusterBackupSchedule): it holds -From, -Learned and -CatalogPath and runs the overlap check.
/// </summary>
public abstract class ScheduleHorizonCmdlet : ScheduleFileCmdlet
{
    /// <summary>Start of the horizon, read in the schedule's time zone. Default: this week's Monday 00:00.</summary>
    [Parameter]
    public DateTime? From { get; set; }

    /// <summary>Use durations learned from the catalog (95th percentile of the last 10 successful runs, once there are 3).</summary>
    [Parameter]
    public SwitchParameter Learned { get; set; }

    /// <summary>The catalog file for -Learned; defaults to CLUSTERBACKUP_CATALOG or the backup server's default location.</summary>
    [Parameter]
    [FileSystemPath]
    public string? CatalogPath { get; set; }

    /// <summary>Reads the schedule of -Path and checks the <paramref name="days"/> from -From for overlaps, with durations learned from the catalog under -Learned.</summary>
    protected OverlapCheckResult CheckOverlaps(int days)
    {
        var learnFrom = Learned ? OpenCatalog(CatalogPath) : null;
        var schedule = ReadSchedule();
        var start = From is { } local
            ? ScheduleExpander.ToInstant(DateTime.SpecifyKind(local, DateTimeKind.Unspecified), schedule.ResolveTimeZone()).Instant
            : ScheduleExpander.StartOfWeek(schedule, DateTimeOffset.UtcNow);
        return RunEngine((token, reporter) => new TestScheduleOperation(learnFrom).RunAsync(new TestScheduleRequest(schedule, start, start.AddDays(days), Learned: Learned), reporter, token));
    }
}
