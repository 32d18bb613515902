using System.Management.Automation;
using ClusterBackup.Engine.Schedule;

namespace ClusterBackup.PowerShell.Schedule;

/// <summary>
/// The base of the cmdlets that work on one schedule file per pipeline item: it holds the -Path parameter once, reads
/// the schedule, and turns a failure into a non-terminating error for that path.
/// </summary>
public abstract class ScheduleFileCmdlet : ClusterBackupCmdlet
{
    /// <summary>The schedule file.</summary>
    [Parameter(Mandatory = true, Position = 0, ValueFromPipelineByPropertyName = true)]
    [Alias("FullName", "Schedule", "SchedulePath")]
    [FileSystemPath]
    public string Path { get; set; } = "";

    /// <summary>The full file-system path of -Path.</summary>
    protected string SchedulePath => ResolvePath(Path);

    /// <summary>Reads and validates the schedule file of -Path.</summary>
    protected BackupSchedule ReadSchedule() => ScheduleFile.Read(SchedulePath);

    /// <summary>Resolves a PowerShell path (relative, PSDrive) to a file-system path, which need not exist.</summary>
    protected string ResolvePath(string path) => SessionState.Path.GetUnresolvedProviderPathFromPSPath(path);

    /// <summary>What the cmdlet does with the schedule file of -Path; engine errors become an error record for -Path.</summary>
    protected abstract void ProcessSchedule();

    protected sealed override void ProcessRecord()
    {
        try
        {
            ProcessSchedule();
        }
        catch (Exception ex) when (ex is not PipelineStoppedException)
        {
            WriteEngineError(ex, Path);
        }
    }
}
