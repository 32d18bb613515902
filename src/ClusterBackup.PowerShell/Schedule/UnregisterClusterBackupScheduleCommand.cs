using System.Management.Automation;
using ClusterBackup.Engine.Schedule;
using ClusterBackup.Engine.Schedule.Export;

namespace ClusterBackup.PowerShell.Schedule;

/// <summary>
/// <para type="synopsis">Removes a schedule's tasks, systemd units or crontab block.</para>
/// <para type="description">Deletes what Register-ClusterBackupSchedule installed for this schedule and nothing else: the
/// tasks under \ClusterBackup\SCHEDULE (schtasks /Delete), the schedule's units after disabling their timers, or the
/// schedule's block in the crontab. Writes what it removed.</para>
/// <example>
/// <code>Unregister-ClusterBackupSchedule -Path /etc/clusterbackup/weekly.json -Scheduler Systemd -Confirm:$false</code>
/// <para>Stops and removes the weekly timers and services.</para>
/// </example>
/// </summary>
[Cmdlet(VerbsLifecycle.Unregister, "ClusterBackupSchedule", SupportsShouldProcess = true, ConfirmImpact = ConfirmImpact.High)]
[OutputType(typeof(string))]
public sealed class UnregisterClusterBackupScheduleCommand : SchedulerCmdlet
{
    /// <summary>Where the unit or task files were written, when not the default.</summary>
    [Parameter]
    [FileSystemPath]
    public string? Directory { get; set; }

    protected override void ProcessSchedule()
    {
        var full = SchedulePath;
        var schedule = ScheduleFile.Read(full);
        var directory = Directory is null ? null : ResolvePath(Directory);
        if (!ShouldProcess(SchedulerTarget(directory), $"Remove every entry of schedule '{schedule.Name}'"))
            return;
        var removed = RunEngine((_, reporter) => Task.FromResult(new ScheduleRegistration().Unregister(schedule, Scheduler, new ExportOptions { SchedulePath = full }, directory, reporter)));
        foreach (var item in removed)
            WriteObject(item);
    }
}
