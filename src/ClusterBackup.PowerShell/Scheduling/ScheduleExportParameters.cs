using System.Management.Automation;
using ClusterBackup.Engine.Scheduling.Export;

namespace ClusterBackup.PowerShell.Scheduling;

/// <summary>Turns the export parameters the export and register cmdlets share into engine ExportOptions.</summary>
internal static class ScheduleExportParameters
{
    public static ExportOptions Options(PSCmdlet cmdlet, string schedulePath, string? targetSchedulePath, string? cliPath, string? powerShellPath, string? module, string? catalogPath)
    {
        var options = new ExportOptions
        {
            SchedulePath = targetSchedulePath ?? cmdlet.SessionState.Path.GetUnresolvedProviderPathFromPSPath(schedulePath),
            CatalogPath = catalogPath is null ? null : cmdlet.SessionState.Path.GetUnresolvedProviderPathFromPSPath(catalogPath),
        };
        if (cliPath is not null) options = options with { CliPath = cliPath };
        if (powerShellPath is not null) options = options with { PowerShellPath = powerShellPath };
        if (module is not null) options = options with { Module = module };
        return options;
    }
}
