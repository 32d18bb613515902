using ClusterBackup.Engine.Common;

namespace ClusterBackup.Engine.Schedule.Export;

/// <summary>Where and how registering installs: the target folder (units, task files) and the tools to call.</summary>
public sealed record InstallTarget(ISystemCommands Commands, string? Directory, IOperationReporter Reporter);

/// <summary>Installs a schedule's exported files into one scheduler and removes them again. Discovered by reflection.</summary>
public interface IScheduleInstaller
{
    SchedulerKind Kind { get; }

    /// <summary>Replaces whatever this schedule had registered with the given files; returns them with their paths.</summary>
    IReadOnlyList<ScheduleExportFile> Install(BackupSchedule schedule, IReadOnlyList<ScheduleExportFile> files, ExportOptions options, InstallTarget target);

    /// <summary>Removes every entry of the schedule; returns what it removed (paths, units, task names).</summary>
    IReadOnlyList<string> Uninstall(BackupSchedule schedule, ExportOptions options, InstallTarget target);
}
