using System.Management.Automation;
using ClusterBackup.Engine.Common;
using ClusterBackup.Engine.Schedule;
using ClusterBackup.PowerShell.Completion;

namespace ClusterBackup.PowerShell.Schedule;

/// <summary>
/// <para type="synopsis">Creates a backup schedule file from the built-in weekly template.</para>
/// <para type="description">Writes the coordinated week as a versioned JSON schedule: full backups at 01:00 (initialising
/// the share on Mondays and Thursdays), log backups every three hours from 02:30, and the share to tape at 04:30 on
/// Wednesdays and Sundays. Edit the file, then check it with Test-ClusterBackupSchedule.</para>
/// <example>
/// <code>New-ClusterBackupSchedule -Path C:\ClusterBackup\weekly.json -TimeZone 'Eastern Standard Time' -Database PREPAID -Share \\BACKUPSRV\DBBackup</code>
/// <para>Writes the weekly schedule for database PREPAID in Eastern time, on Windows.</para>
/// </example>
/// <example>
/// <code>New-ClusterBackupSchedule -Path weekly.json -TimeZone America/New_York -Cluster pgclu -Server PGVS1 -Database appdb -Share /mnt/backup</code>
/// <para>The same for the PostgreSQL database appdb on the virtual server PGVS1, with the IANA name of the time zone and a share mounted at /mnt/backup.</para>
/// </example>
/// </summary>
[Cmdlet(VerbsCommon.New, "ClusterBackupSchedule", SupportsShouldProcess = true)]
[OutputType(typeof(BackupSchedule))]
public sealed class NewClusterBackupScheduleCommand : ClusterBackupCmdlet
{
    /// <summary>Where to write the schedule file.</summary>
    [Parameter(Mandatory = true, Position = 0)]
    [FileSystemPath]
    public string Path { get; set; } = "";

    /// <summary>The time zone the schedule's times are in (IANA or Windows id). Default: this machine's.</summary>
    [Parameter]
    public string? TimeZone { get; set; }

    /// <summary>The schedule's name; it becomes part of task and unit names.</summary>
    [Parameter]
    [PSDefaultValue(Value = WeeklyScheduleTemplate.DefaultName)]
    public string Name { get; set; } = WeeklyScheduleTemplate.DefaultName;

    /// <summary>The cluster the database lives in.</summary>
    [Parameter]
    [ArgumentCompleter(typeof(ClusterCompleter))]
    [PSDefaultValue(Value = "SQLCLUSTER")]
    public string Cluster { get; set; } = "SQLCLUSTER";

    /// <summary>The virtual server (SQL Server network name or PostgreSQL virtual address name).</summary>
    [Parameter]
    [Alias("SqlInstance")]
    [ArgumentCompleter(typeof(ServerCompleter))]
    [PSDefaultValue(Value = "SQLVS1")]
    public string Server { get; set; } = "SQLVS1";

    /// <summary>The database the jobs back up.</summary>
    [Parameter]
    [ArgumentCompleter(typeof(DatabaseCompleter))]
    [PSDefaultValue(Value = "PREPAID")]
    public string Database { get; set; } = "PREPAID";

    /// <summary>The backup share the database jobs write and the tape job reads.</summary>
    [Parameter]
    [PSDefaultValue(Value = @"\\BACKUPSRV\DBBackup")]
    public string Share { get; set; } = @"\\BACKUPSRV\DBBackup";

    /// <summary>Overwrite an existing file.</summary>
    [Parameter]
    public SwitchParameter Force { get; set; }

    protected override void ProcessRecord()
    {
        try
        {
            var path = SessionState.Path.GetUnresolvedProviderPathFromPSPath(Path);
            if (File.Exists(path) && !Force)
                throw new ClusterBackupException(ErrorKind.InvalidArgument, path, $"'{path}' exists; pass -Force to overwrite it.");
            var schedule = WeeklyScheduleTemplate.Create(TimeZone, Name, Cluster, Server, Database, Share);
            if (!ShouldProcess(path, $"Write schedule '{Name}' ({schedule.Jobs.Count} jobs, {schedule.TimeZone})"))
                return;
            ScheduleFile.Write(schedule, path);
            WriteObject(schedule with { Path = path });
        }
        catch (Exception ex) when (ex is not PipelineStoppedException)
        {
            WriteEngineError(ex, Path);
        }
    }
}
