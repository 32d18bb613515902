using System.Management.Automation;
using ClusterBackup.Engine.Schedule.Export;

namespace ClusterBackup.PowerShell.Schedule;

/// <summary>The base of the cmdlets that write or install a schedule for a scheduler (Task Scheduler, systemd, cron): it holds -Scheduler.</summary>
public abstract class SchedulerCmdlet : ScheduleFileCmdlet
{
    /// <summary>TaskScheduler, Systemd or Cron.</summary>
    [Parameter(Mandatory = true)]
    public SchedulerKind Scheduler { get; set; }

    /// <summary>The target ShouldProcess names: the scheduler, and the folder when one is given.</summary>
    protected string SchedulerTarget(string? directory) => $"{Scheduler}{(directory is null ? "" : " in " + directory)}";
}
