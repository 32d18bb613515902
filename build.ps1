#Requires -Version 7.4
<#
.SYNOPSIS
    Builds ClusterBackup, stages the module under out/ClusterBackup/<version>/, and with -Test runs
    the xunit suites and then the Pester suite, in the pinned pwsh with the pinned Pester (the same
    tools as ./build.sh test, installed into .tools/ when missing).
.EXAMPLE
    ./build.ps1 -Test
.EXAMPLE
    ./build.ps1 -Demo
    The main job end to end in the pinned pwsh through the cmdlets (examples/Invoke-MainJobDemo.ps1), as ./build.sh demo.
#>
[CmdletBinding()]
param(
    [ValidateSet('Debug', 'Release')]
    [string] $Configuration = 'Release',
    [switch] $Test,
    # Run the main-job demo (examples/Invoke-MainJobDemo.ps1) against the staged module instead of the tests.
    [switch] $Demo
)
$ErrorActionPreference = 'Stop'
Set-Location -LiteralPath $PSScriptRoot
$env:DOTNET_CLI_TELEMETRY_OPTOUT = '1'
$env:DOTNET_NOLOGO = '1'

$version = ([xml](Get-Content -Raw Directory.Build.props)).Project.PropertyGroup.Version | Select-Object -First 1
$stage = Join-Path $PSScriptRoot "out/ClusterBackup/$version"
$testTools = 'tests/Pester/Tools/PowerShellTestTools.csproj'
$toolVersions = ([xml](Get-Content -Raw $testTools)).Project.PropertyGroup
$pwshVersion = $toolVersions.PowerShellVersion
$pesterVersion = $toolVersions.PesterVersion
$toolPath = Join-Path $PSScriptRoot '.tools/pwsh'
$pwsh = Join-Path $toolPath ($IsWindows ? 'pwsh.exe' : 'pwsh')
$pester = Join-Path $PSScriptRoot ".tools/nuget/pester/$pesterVersion/tools/Pester.psd1"

function Invoke-Native([string] $What) {
    if ($LASTEXITCODE -ne 0) { throw "$What failed ($LASTEXITCODE)" }
}

Write-Host "==> building ($Configuration)"
dotnet build ClusterBackup.sln -c $Configuration -nologo -clp:ErrorsOnly
Invoke-Native 'dotnet build'

Write-Host "==> staging the module in $stage"
if (Test-Path $stage) { Remove-Item -Recurse -Force $stage }
dotnet publish src/ClusterBackup.PowerShell -c $Configuration -o $stage -nologo -clp:ErrorsOnly --no-build
Invoke-Native 'dotnet publish'
Copy-Item ClusterBackup.psd1 $stage
Copy-Item module/*.ps1xml $stage
if (Test-Path module/en-US) { Copy-Item -Recurse module/en-US $stage }
# The estate checks Invoke-ClusterBackupEstateCheck runs (Checks/ClusterBackup.Estate.Tests.ps1).
Copy-Item -Recurse module/Checks $stage
dotnet publish src/ClusterBackup.Cli -c $Configuration -o (Join-Path $PSScriptRoot 'out/cli') -nologo -clp:ErrorsOnly
Invoke-Native 'dotnet publish (CLI)'

if (-not $Test -and -not $Demo) { return }

# The pinned pwsh (the .NET tool) and Pester (the NuGet package, whose tools/ folder is the module).
$installed = if (Test-Path $pwsh) { & $pwsh -NoProfile -NonInteractive -Command '$PSVersionTable.PSVersion.ToString()' }
if ($installed -ne $pwshVersion) {
    Write-Host "==> installing PowerShell $pwshVersion into .tools/pwsh"
    if (Test-Path $toolPath) { Remove-Item -Recurse -Force $toolPath }
    dotnet tool install PowerShell --version $pwshVersion --tool-path $toolPath | Out-Null
    Invoke-Native 'dotnet tool install PowerShell'
}
if (-not (Test-Path $pester)) {
    Write-Host "==> installing Pester $pesterVersion into .tools/nuget"
    dotnet restore $testTools --packages (Join-Path $PSScriptRoot '.tools/nuget') -nologo -v quiet | Out-Null
    Invoke-Native 'dotnet restore (Pester)'
}

if ($Demo) {
    & $pwsh -NoProfile -NonInteractive -File examples/Invoke-MainJobDemo.ps1 -Module (Join-Path $stage 'ClusterBackup.psd1') -Pester $pester
    exit $LASTEXITCODE
}

$files = git ls-files -co --exclude-standard -- '*.ps1' '*.psd1' '*.psm1'
Write-Host "==> syntax-checking $(@($files).Count) PowerShell files with PowerShell's parser"
& $pwsh -NoProfile -NonInteractive -File tests/Syntax/Test-PowerShellSyntax.ps1 @files
Invoke-Native 'the syntax check'

$results = Join-Path $PSScriptRoot 'out/test-results'
if (Test-Path $results) { Remove-Item -Recurse -Force $results }
New-Item -ItemType Directory -Path $results | Out-Null
$failed = $false
foreach ($project in Get-ChildItem tests/*/*.csproj) {
    Write-Host "==> testing $($project.BaseName)"
    dotnet test $project.FullName -c $Configuration --no-build --nologo --logger "trx;LogFilePrefix=$($project.BaseName)" `
        --logger 'console;verbosity=minimal' --results-directory $results
    if ($LASTEXITCODE -ne 0) { $failed = $true }
}

Write-Host "==> Pester $pesterVersion in pwsh $pwshVersion against $stage"
$env:CLUSTERBACKUP_CLI = Join-Path $PSScriptRoot "src/ClusterBackup.Cli/bin/$Configuration/net8.0/$($IsWindows ? 'clusterbackup.exe' : 'clusterbackup')"
& $pwsh -NoProfile -NonInteractive -File tests/Pester/Invoke-PesterSuite.ps1 -Pester $pester -Module (Join-Path $stage 'ClusterBackup.psd1') `
    -ResultFile (Join-Path $results 'pester.xml')
if ($LASTEXITCODE -ne 0) { $failed = $true }

# The closing lines, as ./build.sh test prints them.
$xunit = [ordered]@{ Passed = 0; Failed = 0; Skipped = 0 }
foreach ($trx in Get-ChildItem $results -Filter *.trx) {
    $counters = ([xml](Get-Content -Raw $trx.FullName)).TestRun.ResultSummary.Counters
    $xunit.Passed += [int] $counters.passed
    $xunit.Failed += [int] $counters.failed
    $xunit.Skipped += [int] $counters.total - [int] $counters.passed - [int] $counters.failed
}
$pesterCounts = [ordered]@{ Passed = 0; Failed = 1; Skipped = 0 }
$nunit = Join-Path $results 'pester.xml'
if (Test-Path $nunit) {
    $r = ([xml](Get-Content -Raw $nunit)).'test-results'
    $skipped = 0
    foreach ($name in 'not-run', 'inconclusive', 'ignored', 'skipped', 'invalid') { $skipped += [int] $r.$name }
    $pesterCounts.Failed = [int] $r.failures + [int] $r.errors
    $pesterCounts.Skipped = $skipped
    $pesterCounts.Passed = [int] $r.total - $pesterCounts.Failed - $skipped
}
Write-Host ''
Write-Host ("xunit: {0} passed, {1} failed, {2} skipped; Pester: {3} passed, {4} failed, {5} skipped" -f $xunit.Passed, $xunit.Failed, $xunit.Skipped, $pesterCounts.Passed, $pesterCounts.Failed, $pesterCounts.Skipped)
Write-Host ("Tests: {0} passed, {1} failed, {2} skipped" -f ($xunit.Passed + $pesterCounts.Passed), ($xunit.Failed + $pesterCounts.Failed), ($xunit.Skipped + $pesterCounts.Skipped))
if ($failed) { throw 'Some tests failed.' }
