<#
.SYNOPSIS
    Run by Isolation.Tests.ps1 in a new pwsh process: imports the modules in the order given, uses
    both, and writes what happened as JSON (what each module did, the errors, and which load context
    holds which version of each library).
#>
param(
    [Parameter(Mandatory)] [string[]] $Import,
    [Parameter(Mandatory)] [string] $CatalogPath,
    [Parameter(Mandatory)] [string] $SqlServerConfigurationPath,
    [Parameter(Mandatory)] [string] $Share
)
$ErrorActionPreference = 'Stop'
foreach ($module in $Import) { Import-Module $module }

$other = Test-OtherDataModule
$readErrors = $null
$sets = @(Get-ClusterDbBackupSet -CatalogPath $CatalogPath -ErrorVariable readErrors)
# The SQL Server engine, through Microsoft.Data.SqlClient, against a port where nothing listens: a
# working client reports a connection error from its TCP provider.
$sqlErrors = $null
Start-ClusterDbBackup -Server sqlvs -Database master -Type Full -Destination $Share -ConfigurationPath $SqlServerConfigurationPath `
    -CatalogPath (Join-Path (Split-Path $CatalogPath) 'sqlserver-catalog.db') -ErrorVariable sqlErrors -ErrorAction SilentlyContinue

[pscustomobject]@{
    Other          = $other | Select-Object SqliteVersion, SqliteAssembly, SqlClientVersion, SqlClientAssembly, NewtonsoftVersion, Json
    BackupSets     = @($sets | ForEach-Object { [pscustomobject]@{ BackupSetId = "$($_.BackupSetId)"; Database = $_.Database; Type = "$($_.Type)" } })
    ReadErrors     = @($readErrors | ForEach-Object { "$_" })
    SqlServerError = @($sqlErrors | ForEach-Object { [pscustomobject]@{ Id = $_.FullyQualifiedErrorId; Category = "$($_.CategoryInfo.Category)"; Message = $_.Exception.Message; Inner = "$($_.Exception.InnerException.GetType().FullName)" } })
    Assemblies     = @([AppDomain]::CurrentDomain.GetAssemblies() |
            Where-Object { $_.GetName().Name -match '^(ClusterBackup|Microsoft\.Data\.|SQLitePCLRaw|Newtonsoft\.Json$)' } |
            ForEach-Object { [pscustomobject]@{ Name = $_.GetName().Name; Version = "$($_.GetName().Version)"; Context = [Runtime.Loader.AssemblyLoadContext]::GetLoadContext($_).Name; Location = $_.Location } })
} | ConvertTo-Json -Depth 5
