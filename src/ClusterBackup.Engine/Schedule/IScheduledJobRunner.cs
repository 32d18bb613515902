using ClusterBackup.Engine.Catalog;
using ClusterBackup.Engine.Common;

namespace ClusterBackup.Engine.Schedule;

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
