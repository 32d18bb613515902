using System.Management.Automation;
using ClusterBackup.Engine.Schedule;

namespace ClusterBackup.PowerShell.Schedule;

/// <summary>
/// <para type="synopsis">Reads a backup schedule file, or lists its jobs.</para>
/// <para type="description">Reads and validates the JSON schedule (format version, field types, time zone, unique job
/// names) and writes the schedule, or with -Job its jobs whose names match the wildcard.</para>
/// <example>
/// <code>Get-ClusterBackupSchedule -Path C:\ClusterBackup\weekly.json -Job *</code>
/// <para>Lists every job with its type, recurrence and expected duration.</para>
/// </example>
/// </summary>
[Cmdlet(VerbsCommon.Get, "ClusterBackupSchedule")]
[OutputType(typeof(BackupSchedule), typeof(ScheduledJob))]
public sealed class GetClusterBackupScheduleCommand : ClusterBackupCmdlet
{
    /// <summary>The schedule file.</summary>
    [Parameter(Mandatory = true, Position = 0, ValueFromPipeline = true, ValueFromPipelineByPropertyName = true)]
    [Alias("FullName", "Schedule")]
    [FileSystemPath]
    public string Path { get; set; } = "";

    /// <summary>Write the jobs whose names match these wildcards instead of the schedule.</summary>
    [Parameter]
    public string[]? Job { get; set; }

    protected override void ProcessRecord()
    {
        try
        {
            var schedule = ScheduleFile.Read(SessionState.Path.GetUnresolvedProviderPathFromPSPath(Path));
            if (Job is null)
            {
                WriteObject(schedule);
                return;
            }
            var patterns = Job.Select(j => new WildcardPattern(j, WildcardOptions.IgnoreCase)).ToList();
            foreach (var job in schedule.Jobs.Where(j => patterns.Any(p => p.IsMatch(j.Name))))
                WriteObject(job);
        }
        catch (Exception ex) when (ex is not PipelineStoppedException)
        {
            WriteEngineError(ex, Path);
        }
    }
}
