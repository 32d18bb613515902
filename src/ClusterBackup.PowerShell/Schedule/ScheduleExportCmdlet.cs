using System.Management.Automation;
using ClusterBackup.Engine.Schedule.Export;

namespace ClusterBackup.PowerShell.Schedule;

/// <summary>
/// The base of the cmdlets that export a schedule's entries (Export- and Register-ClusterBackupSchedule): it holds the
/// parameters that say what the entries run and turns them into the engine's ExportOptions.
/// </summary>
public abstract class ScheduleExportCmdlet : SchedulerCmdlet
{
    /// <summary>The schedule file's path on the machine that runs the jobs; default the full path of -Path.</summary>
    [Parameter]
    public string? TargetSchedulePath { get; set; }

    /// <summary>The clusterbackup executable the systemd units and crontab lines run.</summary>
    [Parameter]
    public string? CliPath { get; set; }

    /// <summary>The pwsh executable the tasks run (default pwsh.exe).</summary>
    [Parameter]
    public string? PowerShellPath { get; set; }

    /// <summary>The module name or path the tasks import (default ClusterBackup).</summary>
    [Parameter]
    public string? Module { get; set; }

    /// <summary>The export options of these parameters, with the catalog the jobs use on their command lines.</summary>
    protected ExportOptions CreateExportOptions(string? catalogPath)
    {
        var options = new ExportOptions
        {
            SchedulePath = TargetSchedulePath ?? SchedulePath,
            CatalogPath = catalogPath is null ? null : ResolvePath(catalogPath),
        };
        if (CliPath is not null) options = options with { CliPath = CliPath };
        if (PowerShellPath is not null) options = options with { PowerShellPath = PowerShellPath };
        if (Module is not null) options = options with { Module = Module };
        return options;
    }
}
