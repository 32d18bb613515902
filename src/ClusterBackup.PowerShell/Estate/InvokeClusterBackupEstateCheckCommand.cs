using System.Collections;
using System.Management.Automation;
using System.Management.Automation.Runspaces;

namespace ClusterBackup.PowerShell.Estate;

/// <summary>
/// <para type="synopsis">Runs the backup-estate checks (Pester 5) against your catalog, schedule and tape library and returns Pester's result.</para>
/// <para type="description">Runs the checks shipped with the module (Checks/ClusterBackup.Estate.Tests.ps1) with Pester 5 and the
/// thresholds given: every database has a full backup younger than -FullBackupMaxAgeHours and a gap-free, recent log chain since;
/// every backup set is verified; no media set is retired from the share before -RequiredTapeCopies verified tape copies exist;
/// the schedule has no conflicts; the last run of each scheduled job succeeded; cartridges and drives are healthy. The databases
/// are those the schedule's jobs name and those the catalog holds (or -Server/-Database). Returns Pester's result object
/// (Result, PassedCount, FailedCount, Failed, Tests...); -OutputFile writes NUnit or JUnit XML for a CI dashboard. -Tag and
/// -ExcludeTag choose checks by tag (FullBackup, LogChain, Verified, Retention, Schedule, JobRun, Cartridge, Drive).
/// The log-chain check verifies the newest log backup again (Test-ClusterDbBackup), which records the verification in the
/// catalog; everything else only reads (-WhatIf runs nothing). Requires Pester 5 (Install-Module Pester -MinimumVersion 5.0 -Scope CurrentUser).
/// about_ClusterBackup_EstateChecks describes every check.</para>
/// <example>
/// <code>Invoke-ClusterBackupEstateCheck -Schedule weekly.json -LibraryPath vtl -FullBackupMaxAgeHours 26 -OutputFile estate.xml -OutputFormat JUnitXml</code>
/// <para>Checks the estate with a 26-hour full-backup threshold and writes JUnit XML for the CI server.</para>
/// </example>
/// <example>
/// <code>$r = Invoke-ClusterBackupEstateCheck -Tag FullBackup, Verified -Output None; $r.Failed | Select-Object ExpandedName, ErrorRecord</code>
/// <para>Runs only the backup checks quietly and lists what failed and why.</para>
/// </example>
/// </summary>
[Cmdlet(VerbsLifecycle.Invoke, "ClusterBackupEstateCheck", SupportsShouldProcess = true)]
[OutputType(typeof(PSObject))]
public sealed class InvokeClusterBackupEstateCheckCommand : ClusterBackupCmdlet
{
    /// <summary>The file name of the shipped checks, under Checks/ in the module folder.</summary>
    public const string ChecksFileName = "ClusterBackup.Estate.Tests.ps1";

    /// <summary>The catalog file; defaults to CLUSTERBACKUP_CATALOG or the backup server's default location.</summary>
    [Parameter]
    [FileSystemPath]
    public string? CatalogPath { get; set; }

    /// <summary>The configuration file the log-chain verification uses; defaults to CLUSTERBACKUP_CONFIG or the file beside the catalog.</summary>
    [Parameter]
    [FileSystemPath]
    public string? ConfigurationPath { get; set; }

    /// <summary>The schedule file: its jobs name the databases to check, and the schedule and job-run checks need it. Without it those checks are skipped.</summary>
    [Parameter]
    [Alias("SchedulePath")]
    [FileSystemPath]
    public string? Schedule { get; set; }

    /// <summary>The tape library folder for the cartridge and drive checks; defaults to CLUSTERBACKUP_TAPE_LIBRARY. Without either those checks are skipped.</summary>
    [Parameter]
    [FileSystemPath]
    public string? LibraryPath { get; set; }

    /// <summary>Check only the databases of these virtual servers.</summary>
    [Parameter]
    [Alias("SqlInstance")]
    public string[]? Server { get; set; }

    /// <summary>Check only these databases.</summary>
    [Parameter]
    public string[]? Database { get; set; }

    /// <summary>The newest full backup of each database must have finished within this many hours.</summary>
    [Parameter]
    [ValidateRange(0.01, 24 * 366)]
    [PSDefaultValue(Value = 24.0)]
    public double FullBackupMaxAgeHours { get; set; } = 24;

    /// <summary>The newest log backup of each database must have finished within this many minutes of now; 0 turns the age check off (databases without log backups).</summary>
    [Parameter]
    [ValidateRange(0, 60 * 24 * 366)]
    [PSDefaultValue(Value = 60)]
    public int LogBackupMaxAgeMinutes { get; set; } = 60;

    /// <summary>How many verified tape copies a media set needs before it may leave the share.</summary>
    [Parameter]
    [ValidateRange(1, 16)]
    [PSDefaultValue(Value = 2)]
    public int RequiredTapeCopies { get; set; } = 2;

    /// <summary>At least this many blank or scratch cartridges must be in the library.</summary>
    [Parameter]
    [ValidateRange(0, 100000)]
    [PSDefaultValue(Value = 1)]
    public int MinimumScratchCartridges { get; set; } = 1;

    /// <summary>Run only the checks with these tags.</summary>
    [Parameter]
    public string[]? Tag { get; set; }

    /// <summary>Skip the checks with these tags.</summary>
    [Parameter]
    public string[]? ExcludeTag { get; set; }

    /// <summary>Write the result to this file (NUnit or JUnit XML, by -OutputFormat).</summary>
    [Parameter]
    [FileSystemPath]
    public string? OutputFile { get; set; }

    /// <summary>The format of -OutputFile: NUnitXml (NUnit 2.5), NUnit3 or JUnitXml.</summary>
    [Parameter]
    [ValidateSet("NUnitXml", "NUnit2.5", "NUnit3", "JUnitXml")]
    [PSDefaultValue(Value = "NUnitXml")]
    public string OutputFormat { get; set; } = "NUnitXml";

    /// <summary>How much Pester writes to the host while it runs: None, Normal, Detailed or Diagnostic.</summary>
    [Parameter]
    [ValidateSet("None", "Normal", "Detailed", "Diagnostic")]
    [PSDefaultValue(Value = "Normal")]
    public string Output { get; set; } = "Normal";

    /// <summary>Run this checks file (or several) instead of the shipped one; it receives the same parameters.</summary>
    [Parameter]
    [FileSystemPath]
    public string[]? Path { get; set; }

    private const string RunScript = """
        param($Paths, $Data, $Tag, $ExcludeTag, $OutputFile, $OutputFormat, $Verbosity)
        $pester = Get-Module Pester | Where-Object { $_.Version.Major -ge 5 } | Sort-Object Version -Descending | Select-Object -First 1
        if (-not $pester) {
            $available = Get-Module Pester -ListAvailable | Where-Object { $_.Version.Major -ge 5 } | Sort-Object Version -Descending | Select-Object -First 1
            if (-not $available) { return [pscustomobject]@{ PesterMissing = $true } }
            Import-Module $available.Path -Global -ErrorAction Stop
        }
        $containers = foreach ($p in $Paths) { New-PesterContainer -Path $p -Data $Data }
        $configuration = New-PesterConfiguration
        $configuration.Run.Container = $containers
        $configuration.Run.PassThru = $true
        $configuration.Output.Verbosity = $Verbosity
        if ($Tag) { $configuration.Filter.Tag = $Tag }
        if ($ExcludeTag) { $configuration.Filter.ExcludeTag = $ExcludeTag }
        if ($OutputFile) {
            $configuration.TestResult.Enabled = $true
            $configuration.TestResult.OutputPath = $OutputFile
            $configuration.TestResult.OutputFormat = $OutputFormat
        }
        Invoke-Pester -Configuration $configuration
        """;

    protected override void EndProcessing()
    {
        try
        {
            RunChecks();
        }
        finally
        {
            base.EndProcessing();
        }
    }

    private void RunChecks()
    {
        var paths = Path is { Length: > 0 }
            ? Path.Select(p => ResolveExisting(p, "checks file")).ToArray()
            : [ResolveExisting(System.IO.Path.Combine(ModuleFolder(), "Checks", ChecksFileName), "shipped checks file")];
        var data = new Hashtable(StringComparer.OrdinalIgnoreCase)
        {
            ["FullBackupMaxAgeHours"] = FullBackupMaxAgeHours,
            ["LogBackupMaxAgeMinutes"] = LogBackupMaxAgeMinutes,
            ["RequiredTapeCopies"] = RequiredTapeCopies,
            ["MinimumScratchCartridges"] = MinimumScratchCartridges,
        };
        if (CatalogPath is not null) data["CatalogPath"] = Resolve(CatalogPath);
        if (ConfigurationPath is not null) data["ConfigurationPath"] = Resolve(ConfigurationPath);
        if (Schedule is not null) data["Schedule"] = ResolveExisting(Schedule, "schedule file");
        if (LibraryPath is not null) data["LibraryPath"] = Resolve(LibraryPath);
        if (Server is { Length: > 0 }) data["Server"] = Server;
        if (Database is { Length: > 0 }) data["Database"] = Database;
        if (!ShouldProcess(CatalogPath is null ? "the backup estate" : $"the backup estate of catalog '{Resolve(CatalogPath)}'",
                $"Run the estate checks of {string.Join(", ", paths)} (the log-chain check records its verification in the catalog)"))
            return;
        // A scope of its own: run in the caller's scope, the script's variables ($p, $configuration, ...) would overwrite
        // the caller's, or fail to convert to a type the caller gave a variable of that name.
        var output = InvokeCommand.InvokeScript(RunScript, true, PipelineResultTypes.None, null,
            paths, data, Tag, ExcludeTag, OutputFile is null ? null : Resolve(OutputFile), OutputFormat, Output);
        foreach (var result in output)
        {
            if (result?.Properties["PesterMissing"] is not null)
                ThrowTerminatingError(new ErrorRecord(
                    new InvalidOperationException("Invoke-ClusterBackupEstateCheck needs the Pester module, version 5 or later, which is not installed. " +
                        "Install it with: Install-Module Pester -MinimumVersion 5.0 -Scope CurrentUser -SkipPublisherCheck (or Install-PSResource Pester)."),
                    "PesterNotFound", ErrorCategory.ObjectNotFound, "Pester"));
            WriteObject(result);
        }
    }

    private string ModuleFolder() =>
        MyInvocation.MyCommand.Module?.ModuleBase ?? System.IO.Path.GetDirectoryName(typeof(InvokeClusterBackupEstateCheckCommand).Assembly.Location)!;

    private string Resolve(string path) => SessionState.Path.GetUnresolvedProviderPathFromPSPath(path);

    private string ResolveExisting(string path, string what)
    {
        var full = Resolve(path);
        if (!File.Exists(full))
            ThrowTerminatingError(new ErrorRecord(new FileNotFoundException($"The {what} '{full}' does not exist.", full),
                what == "schedule file" ? "ScheduleNotFound" : "ChecksFileNotFound", ErrorCategory.ObjectNotFound, full));
        return full;
    }
}
