using System.Management.Automation;
using ClusterBackup.Engine.Schedule;

namespace ClusterBackup.PowerShell.Schedule;

/// <summary>
/// <para type="synopsis">Lists the runs of scheduled jobs that the catalog recorded, newest first.</para>
/// <para type="description">Every run of Start-ClusterBackupJob (the command the exported tasks call) is recorded in the
/// catalog with its host, process, start, end, status (Running, Succeeded, Failed, Refused, Abandoned) and message.
/// Filter by schedule file, job names and status; -Last limits how many runs per job (default 100). The same list, with
/// the same filters, as `clusterbackup schedule history`.</para>
/// <example>
/// <code>Get-ClusterBackupJobHistory -Schedule weekly.json -Job log-no-init -Last 1</code>
/// <para>Shows the latest run of the log backup job.</para>
/// </example>
/// </summary>
[Cmdlet(VerbsCommon.Get, "ClusterBackupJobHistory")]
[OutputType(typeof(ScheduleRun))]
public sealed class GetClusterBackupJobHistoryCommand : ClusterBackupCmdlet
{
    /// <summary>The schedule file whose runs to list; every schedule's runs when omitted.</summary>
    [Parameter(Position = 0, ValueFromPipelineByPropertyName = true)]
    [Alias("Path")]
    [FileSystemPath]
    public string? Schedule { get; set; }

    /// <summary>Only the runs of these jobs, by name.</summary>
    [Parameter(Position = 1, ValueFromPipelineByPropertyName = true)]
    [Alias("Name")]
    public string[]? Job { get; set; }

    /// <summary>Only runs that ended with this status.</summary>
    [Parameter]
    public ScheduleRunStatus? Status { get; set; }

    /// <summary>At most this many runs per job (all jobs together when -Job is omitted), newest first.</summary>
    [Parameter]
    [ValidateRange(1, 100000)]
    [PSDefaultValue(Value = GetJobHistoryRequest.DefaultLast)]
    public int Last { get; set; } = GetJobHistoryRequest.DefaultLast;

    /// <summary>The catalog file; defaults to CLUSTERBACKUP_CATALOG or the backup server's default location.</summary>
    [Parameter]
    [FileSystemPath]
    public string? CatalogPath { get; set; }

    protected override void ProcessRecord()
    {
        try
        {
            var catalog = OpenCatalog(CatalogPath is null ? null : SessionState.Path.GetUnresolvedProviderPathFromPSPath(CatalogPath));
            var request = new GetJobHistoryRequest(Schedule is null ? null : SessionState.Path.GetUnresolvedProviderPathFromPSPath(Schedule), Job, Last, Status);
            foreach (var run in RunEngine((token, reporter) => new GetJobHistoryOperation(catalog).RunAsync(request, reporter, token)))
                WriteObject(run);
        }
        catch (Exception ex) when (ex is not PipelineStoppedException)
        {
            WriteEngineError(ex, Schedule);
        }
    }
}
