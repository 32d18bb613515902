using System.Management.Automation;
using ClusterBackup.Engine.Schedule;
using ClusterBackup.PowerShell.Completion;

namespace ClusterBackup.PowerShell.Schedule;

/// <summary>
/// <para type="synopsis">Runs one job of a schedule under the runtime guard.</para>
/// <para type="description">What the exported scheduled tasks call. Takes the job's lock in the catalog, or refuses to
/// start when a conflicting job holds one (a warning names it and the result's ExitCode is 75); records the run, runs
/// the job through the runner for its type, and releases the lock. The tasks end with `exit $r.ExitCode`, so Task
/// Scheduler's Last Run Result shows 0 (done), 1 (failed) or 0x4B (refused). A lock left by a crashed job expires
/// after its two-minute lease, or at once when its process on this host is gone.</para>
/// <example>
/// <code>$r = Start-ClusterBackupJob -Schedule weekly.json -Job log-no-init; exit $r.ExitCode</code>
/// <para>Runs the log backup job as the scheduled task does.</para>
/// </example>
/// </summary>
[Cmdlet(VerbsLifecycle.Start, "ClusterBackupJob", SupportsShouldProcess = true)]
[OutputType(typeof(ScheduledJobRunResult))]
public sealed class StartClusterBackupJobCommand : ClusterBackupCmdlet
{
    /// <summary>The schedule file; a job piped from Get-ClusterBackupSchedule binds its SchedulePath here.</summary>
    [Parameter(Mandatory = true, Position = 0, ValueFromPipelineByPropertyName = true)]
    [Alias("Path", "SchedulePath")]
    [FileSystemPath]
    public string Schedule { get; set; } = "";

    /// <summary>The job to run, by name; a piped job binds its Name here.</summary>
    [Parameter(Mandatory = true, Position = 1, ValueFromPipelineByPropertyName = true)]
    [Alias("Name")]
    [ArgumentCompleter(typeof(JobCompleter))]
    public string Job { get; set; } = "";

    /// <summary>The catalog file; defaults to CLUSTERBACKUP_CATALOG or the backup server's default location.</summary>
    [Parameter]
    [FileSystemPath]
    public string? CatalogPath { get; set; }

    protected override void ProcessRecord()
    {
        try
        {
            var schedule = ScheduleFile.Read(SessionState.Path.GetUnresolvedProviderPathFromPSPath(Schedule));
            if (!ShouldProcess($"{schedule.Name}/{Job}", "Run the scheduled job"))
                return;
            var catalog = OpenOrCreateCatalog(CatalogPath);
            var result = RunEngine((token, reporter) =>
                new StartScheduledJobOperation(catalog, ScheduledJobRunnerRegistry.Discover()).RunAsync(new StartScheduledJobRequest(schedule, Job), reporter, token));
            WriteObject(result);
        }
        catch (Exception ex) when (ex is not PipelineStoppedException)
        {
            WriteEngineError(ex, Job);
        }
    }
}
