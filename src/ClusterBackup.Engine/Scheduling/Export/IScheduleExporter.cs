namespace ClusterBackup.Engine.Scheduling.Export;

/// <summary>Writes a schedule in one scheduler's own format and reads such files back (for the round trip).</summary>
public interface IScheduleExporter
{
    SchedulerKind Kind { get; }

    /// <summary>The files for every enabled job; disabled jobs are left out.</summary>
    IReadOnlyList<ScheduleExportFile> Export(BackupSchedule schedule, ExportOptions options);

    IReadOnlyList<ExportedJob> ReadBack(IEnumerable<ScheduleExportFile> files);
}

/// <summary>The exporters compiled into the engine, chosen by scheduler kind.</summary>
public static class ScheduleExporters
{
    private static readonly Lazy<IReadOnlyDictionary<SchedulerKind, IScheduleExporter>> All = new(() =>
        typeof(IScheduleExporter).Assembly.GetTypes()
            .Where(t => typeof(IScheduleExporter).IsAssignableFrom(t) && t is { IsAbstract: false, IsInterface: false })
            .Select(t => (IScheduleExporter)Activator.CreateInstance(t, nonPublic: true)!)
            .ToDictionary(e => e.Kind));

    public static IScheduleExporter For(SchedulerKind kind) => All.Value[kind];
}
