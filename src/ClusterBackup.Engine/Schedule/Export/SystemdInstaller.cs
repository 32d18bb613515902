namespace ClusterBackup.Engine.Schedule.Export;

/// <summary>
/// Writes the units into /etc/systemd/system (or the folder given), reloads systemd and enables and starts the
/// timers. Where systemd is not the service manager (a container) it writes the files and says so.
/// </summary>
internal sealed class SystemdInstaller : IScheduleInstaller
{
    public const string DefaultDirectory = "/etc/systemd/system";

    public SchedulerKind Kind => SchedulerKind.Systemd;

    public IReadOnlyList<ScheduleExportFile> Install(BackupSchedule schedule, IReadOnlyList<ScheduleExportFile> files, ExportOptions options, InstallTarget target)
    {
        Uninstall(schedule, options, target);
        var written = ScheduleRegistration.WriteFiles(files, target.Directory ?? DefaultDirectory);
        var timers = written.Where(f => f.FileName.EndsWith(".timer", StringComparison.Ordinal)).Select(f => f.FileName).ToList();
        if (!target.Commands.SystemdRunning)
        {
            target.Reporter.Warning($"systemd is not the service manager here: wrote {written.Count} unit files to {target.Directory ?? DefaultDirectory} but did not enable the timers.");
            return written;
        }
        ScheduleRegistration.Check(target.Commands.Run("systemctl", ["daemon-reload"]), "systemctl daemon-reload");
        ScheduleRegistration.Check(target.Commands.Run("systemctl", ["enable", "--now", .. timers]), "systemctl enable --now");
        target.Reporter.Verbose($"Enabled {string.Join(", ", timers)}.");
        return written;
    }

    public IReadOnlyList<string> Uninstall(BackupSchedule schedule, ExportOptions options, InstallTarget target)
    {
        var directory = target.Directory ?? DefaultDirectory;
        if (!Directory.Exists(directory))
            return [];
        var prefix = $"clusterbackup-{ExportOptions.Slug(schedule.Name)}-";
        var marker = $"ClusterBackup {schedule.Name}: ";
        var units = Directory.GetFiles(directory, prefix + "*")
            .Where(p => p.EndsWith(".service", StringComparison.Ordinal) || p.EndsWith(".timer", StringComparison.Ordinal))
            .Where(p => File.ReadLines(p).Any(l => l.StartsWith("Description=" + marker, StringComparison.Ordinal)))
            .Order(StringComparer.Ordinal)
            .ToList();
        if (units.Count == 0)
            return [];
        var timers = units.Where(p => p.EndsWith(".timer", StringComparison.Ordinal)).Select(Path.GetFileName).ToList();
        if (target.Commands.SystemdRunning && timers.Count > 0)
            ScheduleRegistration.Check(target.Commands.Run("systemctl", ["disable", "--now", .. timers!]), "systemctl disable --now");
        foreach (var unit in units)
            File.Delete(unit);
        if (target.Commands.SystemdRunning)
            ScheduleRegistration.Check(target.Commands.Run("systemctl", ["daemon-reload"]), "systemctl daemon-reload");
        return units;
    }
}
