namespace ClusterBackup.Engine.Schedule.Export;

/// <summary>
/// Writes the task XML files to a folder and, on Windows, imports each with `schtasks /Create /XML FILE /TN PATH /F`
/// (and removes them with `schtasks /Delete /TN PATH /F`). Elsewhere it writes the files and says how to import them.
/// Unverified on real Windows: only the recorded command lines are tested here.
/// </summary>
internal sealed class TaskSchedulerInstaller : IScheduleInstaller
{
    public SchedulerKind Kind => SchedulerKind.TaskScheduler;

    private static string DefaultDirectory(BackupSchedule schedule) =>
        Path.Combine(Environment.GetFolderPath(Environment.SpecialFolder.CommonApplicationData), "ClusterBackup", "tasks", ExportOptions.Slug(schedule.Name));

    public IReadOnlyList<ScheduleExportFile> Install(BackupSchedule schedule, IReadOnlyList<ScheduleExportFile> files, ExportOptions options, InstallTarget target)
    {
        if (!TimeZoneInfo.Local.HasSameRules(schedule.ResolveTimeZone()))
            target.Reporter.Warning($"This machine's time zone ({TimeZoneInfo.Local.Id}) is not the schedule's ({schedule.TimeZone}); Task Scheduler reads the start times in the machine's zone.");
        var written = ScheduleRegistration.WriteFiles(files, target.Directory ?? DefaultDirectory(schedule));
        if (!target.Commands.IsWindows)
        {
            target.Reporter.Warning($"Task Scheduler runs on Windows only: wrote {written.Count} task files to {target.Directory ?? DefaultDirectory(schedule)}; import each there with schtasks /Create /XML FILE /TN NAME.");
            return written;
        }
        foreach (var file in written)
        {
            var name = TaskSchedulerExporter.TaskPath(options, schedule.Name, file.Job!);
            ScheduleRegistration.Check(target.Commands.Run("schtasks.exe", ["/Create", "/XML", file.Path!, "/TN", name, "/F"]), $"schtasks /Create /TN {name}");
            target.Reporter.Verbose($"Registered task {name}.");
        }
        return written;
    }

    public IReadOnlyList<string> Uninstall(BackupSchedule schedule, ExportOptions options, InstallTarget target)
    {
        var removed = new List<string>();
        var directory = target.Directory ?? DefaultDirectory(schedule);
        foreach (var job in schedule.Jobs)
        {
            var name = TaskSchedulerExporter.TaskPath(options, schedule.Name, job.Name);
            if (target.Commands.IsWindows && target.Commands.Run("schtasks.exe", ["/Query", "/TN", name]).ExitCode == 0)
            {
                ScheduleRegistration.Check(target.Commands.Run("schtasks.exe", ["/Delete", "/TN", name, "/F"]), $"schtasks /Delete /TN {name}");
                removed.Add(name);
            }
            var file = Path.Combine(directory, $"{ExportOptions.Slug(schedule.Name)}-{ExportOptions.Slug(job.Name)}.xml");
            if (File.Exists(file))
            {
                File.Delete(file);
                removed.Add(file);
            }
        }
        return removed;
    }
}
