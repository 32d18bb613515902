using System.Management.Automation;
using ClusterBackup.Engine.Schedule.Export;

namespace ClusterBackup.PowerShell.Schedule;

/// <summary>
/// <para type="synopsis">Installs a schedule in Task Scheduler, systemd or cron.</para>
/// <para type="description">Exports the schedule and installs it, replacing what the same schedule had installed: on
/// Windows each task is imported with schtasks /Create /XML into \ClusterBackup\SCHEDULE\JOB; with systemd the units
/// go to /etc/systemd/system (or -Directory) and the timers are enabled and started; with cron the schedule's block in
/// the crontab is replaced. Run Test-ClusterBackupSchedule first: registering does not check overlaps.</para>
/// <example>
/// <code>Register-ClusterBackupSchedule -Path C:\ClusterBackup\weekly.json -Scheduler TaskScheduler -WhatIf</code>
/// <para>Shows what would be registered in the Windows Task Scheduler.</para>
/// </example>
/// <example>
/// <code>Register-ClusterBackupSchedule -Path weekly.json -Scheduler Systemd -WhatIf</code>
/// <para>Shows the systemd timers and services that would be installed on Linux.</para>
/// </example>
/// </summary>
[Cmdlet(VerbsLifecycle.Register, "ClusterBackupSchedule", SupportsShouldProcess = true)]
[OutputType(typeof(ScheduleExportFile))]
public sealed class RegisterClusterBackupScheduleCommand : ScheduleExportCmdlet
{
    /// <summary>Where the unit or task files go; default /etc/systemd/system, or ProgramData\ClusterBackup\tasks\SCHEDULE.</summary>
    [Parameter]
    [FileSystemPath]
    public string? Directory { get; set; }

    /// <summary>The catalog the jobs use, passed on their command lines.</summary>
    [Parameter]
    [FileSystemPath]
    public string? CatalogPath { get; set; }

    protected override void ProcessSchedule()
    {
        var schedule = ReadSchedule();
        var options = CreateExportOptions(CatalogPath);
        var directory = Directory is null ? null : ResolvePath(Directory);
        var enabled = schedule.Jobs.Count(j => j.Enabled);
        if (!ShouldProcess(SchedulerTarget(directory), $"Register {enabled} job(s) of schedule '{schedule.Name}'"))
            return;
        var files = RunEngine((_, reporter) => Task.FromResult(new ScheduleRegistration().Register(schedule, Scheduler, options, directory, reporter)));
        foreach (var file in files)
            WriteObject(file);
    }
}
