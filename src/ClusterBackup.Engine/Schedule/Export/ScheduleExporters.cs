namespace ClusterBackup.Engine.Schedule.Export;

/// <summary>The exporters compiled into the engine, chosen by scheduler kind.</summary>
public static class ScheduleExporters
{
    private static readonly Lazy<IReadOnlyDictionary<SchedulerKind, IScheduleExporter>> All = new(() =>
        typeof(IScheduleExporter).Assembly.GetTypes()
            .Where(t => typeof(IScheduleExporter).IsAssignableFrom(t) && t is { IsAbstract: false, IsInterface: false })
            .Select(t => (IScheduleExporter)Activator.CreateInstance(t, nonPublic: true)!)
            .ToDictionary(e => e.Kind));

    public static IScheduleExporter For(SchedulerKind kind) => All.Value[kind];

    /// <summary>
    /// The files for <paramref name="kind"/>, after the schedule's names and jobs are checked: a schedule built in
    /// code is held to the same rules as one read from a file before any of it reaches a unit, task or crontab.
    /// </summary>
    public static IReadOnlyList<ScheduleExportFile> Export(SchedulerKind kind, BackupSchedule schedule, ExportOptions options)
    {
        schedule.Validate();
        return For(kind).Export(schedule, options);
    }
}
