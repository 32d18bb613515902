using ClusterBackup.Engine.Backup;
using ClusterBackup.Engine.Catalog;
using ClusterBackup.Engine.Common;
using ClusterBackup.Engine.Configuration;

namespace ClusterBackup.Engine.Schedule.Runners;

/// <summary>
/// Runs the four database -> share job types of a schedule through the same <see cref="BackupDatabaseOperation"/> as
/// Start-ClusterDbBackup: FullDB/TransDB With Init start a new media set, No Init appends. Scheduled backups are
/// always verified, because nobody watches them run. The configuration is the one next to the catalog (or
/// CLUSTERBACKUP_CONFIG), as for the cmdlet.
/// </summary>
internal sealed class DatabaseBackupJobRunner : IScheduledJobRunner
{
    public IReadOnlyCollection<ScheduledJobType> JobTypes { get; } =
        [ScheduledJobType.FullDbWithInit, ScheduledJobType.FullDbNoInit, ScheduledJobType.TransDbWithInit, ScheduledJobType.TransDbNoInit];

    public async Task<string> RunAsync(ScheduledJobContext context, CancellationToken cancellationToken)
    {
        var job = context.Job;
        if (string.IsNullOrWhiteSpace(job.Share))
            throw new ClusterBackupException(ErrorKind.InvalidArgument, job.Name, $"Job '{job.Name}' of schedule '{context.Schedule.Name}' names no backup share.");
        var configuration = ClusterBackupConfiguration.Load(catalogPath: context.Catalog.Path);
        var request = new BackupDatabaseRequest(
            job.Share,
            job.Databases,
            job.Type.IsFull() ? BackupType.Full : BackupType.Log,
            Server: job.Server,
            Cluster: job.Cluster,
            Initialize: job.Type.Initializes(),
            Verify: true);
        var outcomes = await new BackupDatabaseOperation(configuration, context.Catalog, ProviderRegistry.Default).RunAsync(request, context.Reporter, cancellationToken).ConfigureAwait(false);
        var done = string.Join("; ", outcomes.Where(o => o.Succeeded).Select(o => o.BackupSet!)
            .Select(s => $"{s.Type} backup of {s.Database} on {s.Node}: {s.SizeBytes} bytes, media set {s.MediaSetId[..8]} position {s.Position}, verified"));
        var failed = outcomes.Where(o => !o.Succeeded).ToList();
        if (failed.Count == 0)
            return done;
        // The run fails when any database failed; the message keeps what did succeed, so the history shows both.
        throw new ClusterBackupException(failed[0].Error!.Kind, job.Name,
            $"Job '{job.Name}': {string.Join("; ", failed.Select(o => $"{o.Database}: {o.Error!.Message}"))}{(done.Length == 0 ? "" : $". Succeeded: {done}")}");
    }
}
