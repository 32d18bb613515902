using System.Management.Automation;
using ClusterBackup.Engine.Schedule.Export;

namespace ClusterBackup.PowerShell.Schedule;

/// <summary>
/// <para type="synopsis">Writes a schedule as Task Scheduler XML, systemd units or crontab lines.</para>
/// <para type="description">Exports every enabled job: a task per job (task schema 1.2, UTF-16, importable with
/// schtasks /Create /XML) that runs pwsh, imports the module and calls Start-ClusterBackupJob; or a .service and a
/// .timer per job (OnCalendar in the schedule's time zone); or one crontab block. Each entry runs its job by name from
/// the schedule file, under the runtime guard. Register-ClusterBackupSchedule installs them.</para>
/// <example>
/// <code>Export-ClusterBackupSchedule -Path weekly.json -Scheduler TaskScheduler -Destination tasks</code>
/// <para>Writes one task XML file per job.</para>
/// </example>
/// </summary>
[Cmdlet(VerbsData.Export, "ClusterBackupSchedule", SupportsShouldProcess = true)]
[OutputType(typeof(ScheduleExportFile))]
public sealed class ExportClusterBackupScheduleCommand : ScheduleExportCmdlet
{
    /// <summary>The folder to write the files into.</summary>
    [Parameter(Mandatory = true)]
    [FileSystemPath]
    public string Destination { get; set; } = "";

    /// <summary>The catalog the jobs use, passed on their command lines; default the jobs' own default.</summary>
    [Parameter]
    [FileSystemPath]
    public string? CatalogPath { get; set; }

    protected override void ProcessSchedule()
    {
        var schedule = ReadSchedule();
        var options = CreateExportOptions(CatalogPath);
        var files = ScheduleExporters.Export(Scheduler, schedule, options);
        var destination = ResolvePath(Destination);
        if (!ShouldProcess(destination, $"Write {files.Count} {Scheduler} file(s) for schedule '{schedule.Name}'"))
            return;
        foreach (var file in ScheduleRegistration.WriteFiles(files, destination))
            WriteObject(file);
    }
}
