#Requires -Version 7.4
<#
.SYNOPSIS
    Builds ClusterBackup, stages the module under out/ClusterBackup/<version>/, and with -Test runs
    the xunit suites and then Pester.
.EXAMPLE
    ./build.ps1 -Test
#>
[CmdletBinding()]
param(
    [ValidateSet('Debug', 'Release')]
    [string] $Configuration = 'Release',
    [switch] $Test
)
$ErrorActionPreference = 'Stop'
Set-Location -LiteralPath $PSScriptRoot

$version = ([xml](Get-Content -Raw Directory.Build.props)).Project.PropertyGroup.Version | Select-Object -First 1
$stage = Join-Path $PSScriptRoot "out/ClusterBackup/$version"

Write-Host "==> building ($Configuration)"
dotnet build ClusterBackup.sln -c $Configuration -nologo -clp:ErrorsOnly
if ($LASTEXITCODE -ne 0) { throw "dotnet build failed ($LASTEXITCODE)" }

Write-Host "==> staging the module in $stage"
if (Test-Path $stage) { Remove-Item -Recurse -Force $stage }
dotnet publish src/ClusterBackup.PowerShell -c $Configuration -o $stage -nologo -clp:ErrorsOnly
if ($LASTEXITCODE -ne 0) { throw "dotnet publish failed ($LASTEXITCODE)" }
Copy-Item ClusterBackup.psd1 $stage
Copy-Item module/*.ps1xml $stage
if (Test-Path module/en-US) { Copy-Item -Recurse module/en-US $stage }
dotnet publish src/ClusterBackup.Cli -c $Configuration -o (Join-Path $PSScriptRoot 'out/cli') -nologo -clp:ErrorsOnly
if ($LASTEXITCODE -ne 0) { throw "dotnet publish (CLI) failed ($LASTEXITCODE)" }

if ($Test) {
    $failed = $false
    foreach ($project in Get-ChildItem tests/*/*.csproj) {
        Write-Host "==> testing $($project.BaseName)"
        dotnet test $project.FullName -c $Configuration --no-build --nologo --logger 'console;verbosity=minimal'
        if ($LASTEXITCODE -ne 0) { $failed = $true }
    }
    if (Get-Module -ListAvailable -Name Pester | Where-Object Version -GE '5.0.0') {
        Write-Host '==> Pester'
        $env:CLUSTERBACKUP_MODULE = Join-Path $stage 'ClusterBackup.psd1'
        $result = Invoke-Pester -Path tests/Pester -Output Detailed -PassThru
        if ($result.FailedCount -gt 0) { $failed = $true }
    }
    else {
        Write-Warning 'Pester 5 is not installed: the Pester suite was skipped (Install-Module Pester -MinimumVersion 5.0).'
    }
    if ($failed) { throw 'Some tests failed.' }
}
