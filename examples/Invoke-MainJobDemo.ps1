<#
.SYNOPSIS
    The main job end to end in PowerShell, through the ClusterBackup cmdlets: clustered PostgreSQL -> backup share
    (with a failover) -> tape with cascaded mirrors -> retention -> restore from tape -> point-in-time restore ->
    the week of the schedule -> the estate checks. `./build.sh demo` runs it in the pinned pwsh.

.DESCRIPTION
    The lab (a PostgreSQL primary and streaming standby on loopback, a Static topology naming them as cluster pgclu
    and virtual server pgvs, a configuration file, a share folder and a catalog) comes from the test fixtures in
    tests/Pester/TestHelpers; on your estate those are your servers and your clusterbackup.json, and every step after
    "the lab" is what you would run. The run ends with the restored copy's row count, checked.

.EXAMPLE
    pwsh -File examples/Invoke-MainJobDemo.ps1 -Module out/ClusterBackup/0.1.0/ClusterBackup.psd1 -Pester .tools/nuget/pester/5.7.1/tools/Pester.psd1
#>
[CmdletBinding()]
param(
    # ClusterBackup.psd1 to import; the ClusterBackup module on PSModulePath when omitted.
    [string] $Module = 'ClusterBackup',
    # Pester.psd1 (5.x) to import for the estate checks; an installed Pester 5 when omitted.
    [string] $Pester
)
$ErrorActionPreference = 'Stop'
$started = [Diagnostics.Stopwatch]::StartNew()
if (Test-Path -LiteralPath $Module) { $Module = (Resolve-Path -LiteralPath $Module).ProviderPath }
Import-Module $Module
if ($Pester) { Import-Module (Resolve-Path -LiteralPath $Pester).ProviderPath }
$env:NO_COLOR = '1'
$PSStyle.OutputRendering = 'PlainText'

Import-Module (Join-Path $PSScriptRoot '../tests/Pester/TestHelpers/TestHelpers.psd1')

function Write-Step([string] $Text) { Write-Host "`n==> $Text  [$([int]$started.Elapsed.TotalSeconds)s]" -ForegroundColor Cyan }
function Show { $input | Out-String -Width 150 | Write-Host -NoNewline }
function Add-Order([int] $Port, [int] $From, [int] $To) {
    Invoke-TestPsql -Port $Port -Database appdb -Sql "INSERT INTO orders (id) SELECT generate_series($From, $To)" | Out-Null
}

Write-Step 'The lab: PostgreSQL primary (node1) and streaming standby (node2) on loopback, cluster pgclu, virtual server pgvs'
$pair = Start-TestPostgreSqlPair -Database appdb
try {
    $catalog = @{ CatalogPath = $pair.CatalogPath }
    $common = @{ CatalogPath = $pair.CatalogPath; ConfigurationPath = $pair.ConfigurationPath }
    Invoke-TestPsql -Port $pair.PrimaryPort -Database appdb -Sql 'CREATE TABLE orders (id int PRIMARY KEY, placed timestamptz DEFAULT clock_timestamp())' | Out-Null
    Get-ClusterDbNode -Name $pair.Cluster -Provider Static -Setting @{ topologyFile = $pair.TopologyPath } | Format-Table -AutoSize | Show
    $schedulePath = Join-Path $pair.Root 'weekly.json'
    New-ClusterBackupSchedule -Path $schedulePath -Cluster $pair.Cluster -Server $pair.VirtualServer -Database appdb -Share $pair.Share -TimeZone UTC | Out-Null

    Write-Step 'The share gets its identity: a marker backups check, so none is ever written into an unmounted mount point'
    Initialize-ClusterBackupShare -Path $pair.Share @catalog -Confirm:$false | Format-Table -AutoSize | Show

    Write-Step 'Full backup with -Initialize (a new media set), checksummed and verified'
    Add-Order $pair.PrimaryPort 1 1000
    Start-ClusterDbBackup -Server pgvs -Database appdb -Type Full -Initialize -Checksum -Verify -Destination $pair.Share @common | Format-Table -AutoSize | Show

    Write-Step 'Two log backups, with new orders in between'
    Add-Order $pair.PrimaryPort 1001 2000
    Start-ClusterDbBackup -Server pgvs -Database appdb -Type Log -Verify -Destination $pair.Share @common | Format-Table -AutoSize | Show
    Add-Order $pair.PrimaryPort 2001 3000
    Start-ClusterDbBackup -Server pgvs -Database appdb -Type Log -Verify -Destination $pair.Share @common | Format-Table -AutoSize | Show

    Write-Step 'Failover: node1 stops, node2 is promoted (the topology file is not touched)'
    Invoke-TestPostgreSqlFailover $pair
    Add-Order $pair.StandbyPort 3001 4000
    $pointInTime = [DateTime]::Parse((Invoke-TestPsql -Port $pair.StandbyPort -Sql "SELECT to_char(clock_timestamp() AT TIME ZONE 'UTC', 'YYYY-MM-DD`"T`"HH24:MI:SS.US`"Z`"')"),
        [Globalization.CultureInfo]::InvariantCulture, [Globalization.DateTimeStyles]::AdjustToUniversal)
    Start-Sleep -Milliseconds 200
    Add-Order $pair.StandbyPort 4001 5000
    Write-Host "point in time for the restore: $($pointInTime.ToString('o')) (after order 4000, before order 4001)"

    Write-Step 'The log backup after the failover, run as the scheduled job does (Start-ClusterBackupJob): same chain, now from node2'
    $run = Start-ClusterBackupJob -Schedule $schedulePath -Job log-no-init @catalog
    $run | Format-List Job, Status, ExitCode, Message | Show
    if ($run.ExitCode -ne 0) { throw "The scheduled log backup failed: $($run.Message)" }
    Get-ClusterDbBackupSet -Server pgvs -Database appdb @catalog | Format-Table -AutoSize | Show
    $chain = @(Get-ClusterDbBackupSet -Server pgvs -Database appdb @catalog)

    Write-Step 'Share to tape: a virtual library with 3 drives; each object written once, mirrored to level 1 and cascaded to level 2, read back'
    $library = Join-Path $pair.Root 'vtl'
    New-TapeLibrary -Path $library -Drives 3 -Slots 12 @catalog | Out-Null
    Add-TapeCartridge -Barcode (1..8 | ForEach-Object { 'VT{0:D4}' -f $_ }) -CapacityBytes 1GB -LibraryPath $library @catalog | Out-Null
    $agents = Join-Path $pair.Root 'agents.json'
    New-TapeAgentConfiguration -Path $agents -LibraryPath $library -Drive drive0 -MirrorDrive drive1 -SecondMirrorDrive drive2 -Pool Daily -MirrorPool Offsite, Vault -BlockSize 65536 @catalog |
        Format-List Valid, MirrorLevels | Show
    $chain | Backup-TapeBackupSet -ConfigurationPath $agents -Verify -LibraryPath $library @catalog | Format-List Objects, Bytes, Volumes, Copies, VerifiedCopies | Show
    Get-TapeObject @catalog | Format-Table Name, Length, VerifiedCopies, Volumes -AutoSize | Show

    Write-Step 'The next full backup with -Initialize supersedes the first media set; a log backup starts the chain after it'
    Start-ClusterDbBackup -Server pgvs -Database appdb -Type Full -Initialize -Verify -Destination $pair.Share @common | Format-Table -AutoSize | Show
    Start-ClusterDbBackup -Server pgvs -Database appdb -Type Log -Verify -Destination $pair.Share @common | Format-Table -AutoSize | Show

    Write-Step 'Retention: the superseded media set has 3 verified tape copies of every file, so its share copy may be retired'
    $retention = @(Get-TapeRetention -RequiredCopies 2 @catalog)
    $retention | Format-List MediaSetId, BackupType, Status, Files, FilesWithEnoughCopies, MinimumVerifiedCopies, SafeToRetire, Reason | Show
    if (-not ($retention | Where-Object SafeToRetire)) { throw 'Retention does not allow retiring the superseded media set.' }

    Write-Step 'Restore the first chain from tape into a new folder (byte-identical, checked by SHA-256)'
    $fromTape = Join-Path $pair.Root 'from-tape'
    $ids = $chain.BackupSetId
    $restored = @(Get-TapeObject @catalog | Where-Object { $_.BackupSetId -in $ids } | Restore-TapeObject -Destination $fromTape -LibraryPath $library @catalog)
    $restored | Format-Table Name, Length, Barcodes, MirrorLevel -AutoSize | Show

    Write-Step "Point-in-time restore to $($pointInTime.ToString('o')) from the files restored from tape (-BackupPath)"
    $target = Join-Path $pair.Root 'restored'
    Restore-ClusterDbBackup -Server pgvs -Database appdb -Target $target -PointInTime $pointInTime -BackupPath $fromTape @common | Format-List | Show
    $port = Start-TestRestoredServer -Pair $pair -DataDirectory $target
    $rows = Invoke-TestPsql -Port $port -Database appdb -Sql "SELECT count(*) || ' orders, last ' || max(id) FROM orders"
    Write-Host "restored copy holds: $rows" -ForegroundColor Green
    if ($rows -ne '4000 orders, last 4000') { throw "Unexpected restore result: $rows" }

    Write-Step 'The week of the schedule'
    Show-ClusterBackupWeek -Path $schedulePath | Show
    Test-ClusterBackupSchedule -Path $schedulePath -Quiet | ForEach-Object { Write-Host "no conflicts: $_" }

    Write-Step 'The estate checks (Pester): fresh fulls, gap-free log chains, verified sets, tape copies before retirement, schedule, runs, cartridges, drives'
    $result = Invoke-ClusterBackupEstateCheck -Schedule $schedulePath -LibraryPath $library @common -Output Detailed -OutputFile (Join-Path $pair.Root 'estate.xml') -OutputFormat JUnitXml
    Write-Host "estate checks: $($result.Result), $($result.PassedCount) passed, $($result.FailedCount) failed, $($result.SkippedCount) skipped"
    if ($result.Result -ne 'Passed') { throw 'The estate checks failed.' }

    Write-Step "Done in $([int]$started.Elapsed.TotalSeconds) s. Restored: $rows"
}
finally {
    Stop-TestPostgreSqlPair $pair
}
