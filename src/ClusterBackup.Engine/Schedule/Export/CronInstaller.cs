namespace ClusterBackup.Engine.Schedule.Export;

/// <summary>
/// Installs the schedule's block into the running user's crontab (`crontab -l`, then `crontab -`), replacing the
/// block of the same schedule and leaving every other line as it was. Warns when the machine's time zone is not
/// the schedule's, because cron reads the times in the machine's zone.
/// </summary>
internal sealed class CronInstaller : IScheduleInstaller
{
    public SchedulerKind Kind => SchedulerKind.Cron;

    public IReadOnlyList<ScheduleExportFile> Install(BackupSchedule schedule, IReadOnlyList<ScheduleExportFile> files, ExportOptions options, InstallTarget target)
    {
        var zone = schedule.ResolveTimeZone();
        if (!TimeZoneInfo.Local.HasSameRules(zone))
            target.Reporter.Warning($"This machine's time zone ({TimeZoneInfo.Local.Id}) is not the schedule's ({schedule.TimeZone}); cron will read the times in {TimeZoneInfo.Local.Id}.");
        var kept = WithoutBlock(Current(target), schedule.Name);
        var block = files.Single().Content;
        var text = kept.Length == 0 ? block : kept.TrimEnd('\n') + "\n" + block;
        ScheduleRegistration.Check(target.Commands.Run("crontab", ["-"], text), "crontab -");
        return [files.Single() with { Path = "crontab" }];
    }

    public IReadOnlyList<string> Uninstall(BackupSchedule schedule, ExportOptions options, InstallTarget target)
    {
        var current = Current(target);
        var kept = WithoutBlock(current, schedule.Name);
        if (kept == current)
            return [];
        ScheduleRegistration.Check(target.Commands.Run("crontab", ["-"], kept), "crontab -");
        return [$"crontab block '{schedule.Name}'"];
    }

    private static string Current(InstallTarget target)
    {
        var listed = target.Commands.Run("crontab", ["-l"]);
        // crontab -l exits 1 with "no crontab for USER" when there is none yet.
        return listed.ExitCode == 0 ? listed.Output : "";
    }

    internal static string WithoutBlock(string crontab, string schedule)
    {
        var lines = crontab.Split('\n').ToList();
        var begin = lines.IndexOf(CronExporter.BeginMarker(schedule));
        var end = lines.IndexOf(CronExporter.EndMarker(schedule));
        if (begin < 0 || end < begin)
            return crontab;
        lines.RemoveRange(begin, end - begin + 1);
        return string.Join("\n", lines);
    }
}
