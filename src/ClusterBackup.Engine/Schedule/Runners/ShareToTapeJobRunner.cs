using ClusterBackup.Engine.Common;
using ClusterBackup.Engine.Tape;
using ClusterBackup.Engine.Tape.Library;

namespace ClusterBackup.Engine.Schedule.Runners;

/// <summary>
/// Runs a share -> tape job through the same <see cref="BackupToTapeOperation"/> as Backup-TapeBackupSet: every file of
/// the catalog's completed backup sets not yet on tape is written through the job's media-agent configuration,
/// multiplexed and mirrored in one pass, and read back (verified), because nobody watches a scheduled run.
/// </summary>
internal sealed class ShareToTapeJobRunner : IScheduledJobRunner
{
    public IReadOnlyCollection<ScheduledJobType> JobTypes { get; } = [ScheduledJobType.ShareToTape];

    public async Task<string> RunAsync(ScheduledJobContext context, CancellationToken cancellationToken)
    {
        var job = context.Job;
        var agents = job.Tape?.Agents
            ?? throw new ClusterBackupException(ErrorKind.InvalidArgument, job.Name,
                $"Job '{job.Name}' of schedule '{context.Schedule.Name}' names no media-agent configuration: set \"tape\": {{ \"agents\": \"<file>\" }}.");
        var request = new BackupToTapeRequest
        {
            LibraryPath = job.Tape.Library,
            ConfigurationPath = ResolveNextToSchedule(agents, context.Schedule.Path),
            Verify = true,
            Job = job.Name,
        };
        var result = await new BackupToTapeOperation(context.Catalog, ConfiguredTapeLibraryFactory.Default).RunAsync(request, context.Reporter, cancellationToken).ConfigureAwait(false);
        return $"{result.Objects} objects, {result.Bytes} bytes in {result.Copies} copies on {string.Join(", ", result.Volumes)}; " +
               $"{result.VerifiedCopies} copies verified; {result.SkippedAlreadyOnTape} files already on tape";
    }

    /// <summary>A relative path in a schedule file is taken from the schedule file's folder, like every other path in it.</summary>
    private static string ResolveNextToSchedule(string path, string? schedulePath) =>
        Path.IsPathRooted(path) || schedulePath is null ? path : Path.Combine(Path.GetDirectoryName(Path.GetFullPath(schedulePath))!, path);
}
