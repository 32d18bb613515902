using System.Management.Automation;
using ClusterBackup.Engine.Schedule;
using ClusterBackup.PowerShell.Completion;

namespace ClusterBackup.PowerShell.Schedule;

/// <summary>
/// <para type="synopsis">Reads a backup schedule file, or lists its jobs.</para>
/// <para type="description">Reads and validates the JSON schedule (format version, field types, time zone, unique job
/// names) and writes the schedule, or with -Job its jobs whose names match the wildcard. Each object carries a SchedulePath
/// property (the schedule file's full path), so a job piped into Start-ClusterBackupJob binds by schedule path and job name.</para>
/// <example>
/// <code>Get-ClusterBackupSchedule -Path weekly.json -Job *</code>
/// <para>Lists every job with its type, recurrence and expected duration.</para>
/// </example>
/// <example>
/// <code>Get-ClusterBackupSchedule -Path weekly.json -Job full* | Start-ClusterBackupJob</code>
/// <para>Runs the full backup jobs of the schedule now, one after the other, each under the runtime guard.</para>
/// </example>
/// </summary>
[Cmdlet(VerbsCommon.Get, "ClusterBackupSchedule")]
[OutputType(typeof(BackupSchedule), typeof(ScheduledJob))]
public sealed class GetClusterBackupScheduleCommand : ClusterBackupCmdlet
{
    /// <summary>The schedule file.</summary>
    [Parameter(Mandatory = true, Position = 0, ValueFromPipeline = true, ValueFromPipelineByPropertyName = true)]
    [Alias("FullName", "Schedule", "SchedulePath")]
    [FileSystemPath]
    public string Path { get; set; } = "";

    /// <summary>Write the jobs whose names match these wildcards instead of the schedule.</summary>
    [Parameter]
    [ArgumentCompleter(typeof(JobCompleter))]
    public string[]? Job { get; set; }

    protected override void ProcessRecord()
    {
        try
        {
            var path = SessionState.Path.GetUnresolvedProviderPathFromPSPath(Path);
            var schedule = ScheduleFile.Read(path);
            if (Job is null)
            {
                WriteObject(WithSchedulePath(schedule, path));
                return;
            }
            var patterns = Job.Select(j => new WildcardPattern(j, WildcardOptions.IgnoreCase)).ToList();
            foreach (var job in schedule.Jobs.Where(j => patterns.Any(p => p.IsMatch(j.Name))))
                WriteObject(WithSchedulePath(job, path));
        }
        catch (Exception ex) when (ex is not PipelineStoppedException)
        {
            WriteEngineError(ex, Path);
        }
    }

    /// <summary>The object with a SchedulePath note property: what identifies a job is its schedule file and its name.</summary>
    private static PSObject WithSchedulePath(object item, string path)
    {
        var wrapped = PSObject.AsPSObject(item);
        wrapped.Properties.Add(new PSNoteProperty("SchedulePath", path));
        return wrapped;
    }
}
