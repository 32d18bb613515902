using ClusterBackup.Engine.Common;

namespace ClusterBackup.Engine.Schedule;

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
