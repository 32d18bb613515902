namespace ClusterBackup.Engine.Schedule.Export;

/// <summary>Writes a schedule in one scheduler's own format and reads such files back (for the round trip).</summary>
public interface IScheduleExporter
{
    SchedulerKind Kind { get; }

    /// <summary>The files for every enabled job; disabled jobs are left out.</summary>
    IReadOnlyList<ScheduleExportFile> Export(BackupSchedule schedule, ExportOptions options);

    IReadOnlyList<ExportedJob> ReadBack(IEnumerable<ScheduleExportFile> files);
}
