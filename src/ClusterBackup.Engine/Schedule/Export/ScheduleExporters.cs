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
}
