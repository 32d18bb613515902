<#
.SYNOPSIS
    Runs the Pester suite (tests/Pester/*.Tests.ps1) against a staged ClusterBackup module and writes
    NUnit XML results. Exits 1 when a test, a block or a test file failed. build.sh and build.ps1 run
    it in the pinned pwsh with the pinned Pester.
.EXAMPLE
    .tools/pwsh/pwsh -NoProfile -File tests/Pester/Invoke-PesterSuite.ps1 -Pester .tools/nuget/pester/5.7.1/tools/Pester.psd1 -Module out/ClusterBackup/0.1.0/ClusterBackup.psd1 -ResultFile out/test-results/pester.xml
#>
param(
    # Pester.psd1 of the pinned Pester.
    [Parameter(Mandatory)] [string] $Pester,
    # ClusterBackup.psd1 of the module as it ships (out/ClusterBackup/<version>/).
    [Parameter(Mandatory)] [string] $Module,
    # Where the NUnit XML result goes.
    [Parameter(Mandatory)] [string] $ResultFile,
    # Test files or folders; the whole suite when omitted.
    [string[]] $Path = $PSScriptRoot,
    [string] $Verbosity = 'Detailed'
)
$ErrorActionPreference = 'Stop'
Import-Module (Resolve-Path -LiteralPath $Pester).ProviderPath -Force
$env:CLUSTERBACKUP_MODULE = (Resolve-Path -LiteralPath $Module).ProviderPath

$configuration = New-PesterConfiguration
$configuration.Run.Path = $Path
$configuration.Run.PassThru = $true
$configuration.Output.Verbosity = $Verbosity
$configuration.TestResult.Enabled = $true
$configuration.TestResult.OutputFormat = 'NUnitXml'
$configuration.TestResult.OutputPath = $ResultFile
$result = Invoke-Pester -Configuration $configuration

$failed = $result.FailedCount + $result.FailedBlocksCount + $result.FailedContainersCount
exit ([int]($failed -gt 0))
