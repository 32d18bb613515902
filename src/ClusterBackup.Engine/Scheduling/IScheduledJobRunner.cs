using ClusterBackup.Engine.Catalog;
using ClusterBackup.Engine.Operations;

namespace ClusterBackup.Engine.Scheduling;

/// <summary>What a runner gets: the schedule, the job, the run id the guard recorded, the catalog and a reporter.</summary>
public sealed record ScheduledJobContext(BackupSchedule Schedule, ScheduledJob Job, string RunId, CatalogDatabase Catalog, IOperationReporter Reporter);

/// <summary>
/// Runs one kind of scheduled job (the database -> share backup for the four database job types, the share -> tape
/// backup for ShareToTape). Implementations in the engine assembly are discovered by reflection, like the provider
/// factories; a runner needs a public or internal parameterless constructor. The guard's lock is held for the whole
/// call; throw to fail the run (the message is recorded), return a one-line summary on success.
/// </summary>
public interface IScheduledJobRunner
{
    IReadOnlyCollection<ScheduledJobType> JobTypes { get; }

    Task<string> RunAsync(ScheduledJobContext context, CancellationToken cancellationToken);
}

/// <summary>Chooses the runner by job type; no code branches on job types.</summary>
public sealed class ScheduledJobRunnerRegistry
{
    private readonly Dictionary<ScheduledJobType, IScheduledJobRunner> _runners = new();

    public ScheduledJobRunnerRegistry(IEnumerable<IScheduledJobRunner> runners)
    {
        foreach (var runner in runners)
            foreach (var type in runner.JobTypes)
                if (!_runners.TryAdd(type, runner))
                    throw new InvalidOperationException($"Both {_runners[type].GetType().Name} and {runner.GetType().Name} run {type.DisplayName()} jobs.");
    }

    /// <summary>The runners compiled into the engine.</summary>
    public static ScheduledJobRunnerRegistry Discover() => new(
        typeof(IScheduledJobRunner).Assembly.GetTypes()
            .Where(t => typeof(IScheduledJobRunner).IsAssignableFrom(t) && t is { IsAbstract: false, IsInterface: false })
            .Select(t => (IScheduledJobRunner)Activator.CreateInstance(t, nonPublic: true)!));

    public IReadOnlyCollection<ScheduledJobType> JobTypes => _runners.Keys;

    public IScheduledJobRunner For(ScheduledJob job) =>
        _runners.TryGetValue(job.Type, out var runner)
            ? runner
            : throw new ClusterBackupException(ErrorKind.NotImplemented, job.Name,
                $"No runner for {job.Type.DisplayName()} jobs is installed in this build, so job '{job.Name}' cannot run.");
}
