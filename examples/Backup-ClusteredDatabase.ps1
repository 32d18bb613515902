<#
.SYNOPSIS
    Backs up the databases of a clustered server to the backup share: the job an admin schedules.

.DESCRIPTION
    Full backups start a new media set on Sundays (or with -Initialize) and append otherwise; log backups
    append to the log media set. Every backup is verified. The node that runs the server is found at run
    time, so the same scheduled task keeps working after a failover, and the files stay under
    \\share\<VirtualServer>\<Database>\... whichever node wrote them.
    Exit code 0 when every database was backed up and verified, 1 otherwise (for the scheduler's history).
    Set the share up once with Initialize-ClusterBackupShare -Path <share>: its marker makes every run refuse the
    path (ShareIdentityMissing) when the share's filesystem is not mounted, instead of filling the mount point.

.EXAMPLE
    .\Backup-ClusteredDatabase.ps1 -Server SQLVS1 -Database SALES, HR -Type Full -Share \\backupsrv\sql

.EXAMPLE
    .\Backup-ClusteredDatabase.ps1 -Server SQLVS1 -Type Log -Share \\backupsrv\sql
    Log backups of every database of SQLVS1 that already has a full backup in the catalog.
#>
[CmdletBinding(SupportsShouldProcess)]
param(
    [Parameter(Mandatory)]
    [string] $Server,

    # Without -Database, log backups take every database with a full backup in the catalog.
    [string[]] $Database,

    [ValidateSet('Full', 'Log')]
    [string] $Type = 'Full',

    [Parameter(Mandatory)]
    [string] $Share,

    # Start a new media set even on a weekday.
    [switch] $Initialize,

    [string] $ConfigurationPath,

    [string] $CatalogPath,

    [pscredential] $Credential
)

$ErrorActionPreference = 'Stop'
Import-Module ClusterBackup

$common = @{}
if ($ConfigurationPath) { $common.ConfigurationPath = $ConfigurationPath }
if ($CatalogPath) { $common.CatalogPath = $CatalogPath }

if (-not $Database) {
    if ($Type -ne 'Log') { throw 'Name the databases for a full backup (-Database).' }
    $catalogOnly = @{}
    if ($CatalogPath) { $catalogOnly.CatalogPath = $CatalogPath }
    $Database = Get-ClusterDbBackupSet -Server $Server -Type Full @catalogOnly |
        Sort-Object Database -Unique |
        ForEach-Object Database
    if (-not $Database) { throw "The catalog holds no full backup of any database on $Server; take a full backup first." }
}

$backup = @{
    Server      = $Server
    Database    = $Database
    Type        = $Type
    Destination = $Share
    Verify      = $true
    Checksum    = $true
    Initialize  = $Initialize -or ($Type -eq 'Full' -and (Get-Date).DayOfWeek -eq 'Sunday')
}
if ($Credential) { $backup.Credential = $Credential }

$failed = 0
$sets = Start-ClusterDbBackup @backup @common -ErrorVariable backupErrors -ErrorAction Continue -WhatIf:$WhatIfPreference
foreach ($problem in $backupErrors) {
    Write-Warning "$($problem.TargetObject): $($problem.Exception.Message)"
    $failed++
}
foreach ($set in $sets) {
    if (-not $set.Verified) {
        Write-Warning "$($set.Database): backup $($set.BackupSetId) did not verify."
        $failed++
    }
}
$sets | Format-Table -AutoSize
exit [int]($failed -gt 0)
