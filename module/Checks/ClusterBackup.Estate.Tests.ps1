#Requires -Modules @{ ModuleName = 'Pester'; ModuleVersion = '5.0.0' }
<#
.SYNOPSIS
    The backup-estate checks that Invoke-ClusterBackupEstateCheck runs (about_ClusterBackup_EstateChecks).
    Every value comes from the ClusterBackup cmdlets; the parameters are the thresholds and where the estate is.
    Run it through Invoke-ClusterBackupEstateCheck, or directly:
        $c = New-PesterContainer -Path ClusterBackup.Estate.Tests.ps1 -Data @{ Schedule = 'weekly.json' }
        Invoke-Pester -Container $c
#>
param(
    [string] $CatalogPath,
    [string] $ConfigurationPath,
    [string] $Schedule,
    [string] $LibraryPath,
    [string[]] $Server,
    [string[]] $Database,
    [double] $FullBackupMaxAgeHours = 24,
    [int] $LogBackupMaxAgeMinutes = 60,
    [int] $RequiredTapeCopies = 2,
    [int] $MinimumScratchCartridges = 1
)

BeforeDiscovery {
    if (-not (Get-Module ClusterBackup)) { Import-Module ClusterBackup -ErrorAction Stop }
    $catalog = @{}
    if ($CatalogPath) { $catalog.CatalogPath = $CatalogPath }
    $tape = @{} + $catalog
    if ($LibraryPath) { $tape.LibraryPath = $LibraryPath }
    $hasLibrary = [bool]($LibraryPath -or $env:CLUSTERBACKUP_TAPE_LIBRARY)

    # The databases to check: those the schedule's database jobs name, and those the catalog holds backups of.
    $found = [Collections.Generic.List[hashtable]]::new()
    $seen = [Collections.Generic.HashSet[string]]::new([StringComparer]::OrdinalIgnoreCase)
    $add = {
        param($s, $d)
        if (-not $s -or -not $d) { return }
        if ($Server -and $s -notin $Server) { return }
        if ($Database -and $d -notin $Database) { return }
        if ($seen.Add("$s/$d")) { $found.Add(@{ Server = $s; Database = $d }) }
    }
    $jobs = @()
    if ($Schedule) {
        $jobs = @((Get-ClusterBackupSchedule -Path $Schedule -ErrorAction Stop).Jobs)
        foreach ($job in $jobs | Where-Object { $_.Enabled -and $_.Server }) {
            foreach ($d in $job.Databases) { & $add $job.Server $d }
        }
    }
    foreach ($set in Get-ClusterDbBackupSet @catalog -ErrorAction Stop) { & $add $set.VirtualServer $set.Database }
    foreach ($s in $Server) { foreach ($d in $Database) { & $add $s $d } }
    $databases = $found.ToArray()
    $jobCases = @($jobs | Where-Object Enabled | ForEach-Object { @{ Job = $_.Name; Type = $_.TypeName } })
    $cartridges = @()
    $drives = @()
    if ($hasLibrary) {
        $cartridges = @(Get-TapeCartridge @tape -ErrorAction Stop | ForEach-Object { @{ Barcode = $_.Barcode } })
        $drives = @(Get-TapeDrive @tape -ErrorAction Stop | ForEach-Object { @{ Drive = $_.Name } })
    }
}

BeforeAll {
    if (-not (Get-Module ClusterBackup)) { Import-Module ClusterBackup -ErrorAction Stop }
    $catalog = @{}
    if ($CatalogPath) { $catalog.CatalogPath = $CatalogPath }
    $configuration = @{} + $catalog
    if ($ConfigurationPath) { $configuration.ConfigurationPath = $ConfigurationPath }
    $tape = @{} + $catalog
    if ($LibraryPath) { $tape.LibraryPath = $LibraryPath }
    $now = [DateTimeOffset]::UtcNow

    function Get-ChainSet {
        # The completed, not copy-only backups of one database, oldest first: what a restore may use.
        param([string] $Server, [string] $Database)
        @(Get-ClusterDbBackupSet -Server $Server -Database $Database @catalog -ErrorAction Stop |
                Where-Object { "$($_.Status)" -eq 'Completed' -and -not $_.CopyOnly } | Sort-Object Started)
    }
}

Describe 'The estate has something to check' -Tag FullBackup {
    It 'names at least one database (from the schedule, the catalog or -Server/-Database)' -ForEach @(@{ Count = $databases.Count }) {
        $Count | Should -BeGreaterThan 0 -Because 'an estate check that finds no database proves nothing; pass -Schedule, -CatalogPath or -Server and -Database'
    }
}

Describe 'Full backups' -Tag FullBackup {
    It '<Server>/<Database> has a full backup younger than <Hours> hours' -ForEach @($databases | ForEach-Object { $_ + @{ Hours = $FullBackupMaxAgeHours } }) {
        $full = Get-ChainSet $Server $Database | Where-Object { "$($_.Type)" -eq 'Full' } | Select-Object -Last 1
        $full | Should -Not -BeNullOrEmpty -Because "the catalog holds no completed full backup of $Database on $Server"
        $full.Finished | Should -BeGreaterThan $now.AddHours(-$Hours) -Because "the newest full backup of $Database on $Server ($($full.BackupSetId)) finished at $($full.Finished.ToString('u'))"
    }
}

Describe 'Log chains' -Tag LogChain {
    It '<Server>/<Database> has a gap-free log chain since its last full backup' -ForEach $databases {
        $chain = Get-ChainSet $Server $Database
        $full = $chain | Where-Object { "$($_.Type)" -eq 'Full' } | Select-Object -Last 1
        $full | Should -Not -BeNullOrEmpty -Because "a log chain starts at a full backup, and $Database on $Server has none"
        $logs = @($chain | Where-Object { "$($_.Type)" -eq 'Log' -and $_.Started -gt $full.Started })
        if ($logs.Count -eq 0) {
            if ($LogBackupMaxAgeMinutes -gt 0) { throw "No log backup of $Database on $Server since the full backup $($full.BackupSetId) of $($full.Finished.ToString('u'))." }
            Set-ItResult -Skipped -Because "no log backup since the full backup, and -LogBackupMaxAgeMinutes 0 allows that"
            return
        }
        # Verifying the newest log checks the whole chain from the full to it (for PostgreSQL: every WAL segment
        # range continues the previous one, across timelines) and that log's own files.
        $verifyErrors = $null
        $verification = Test-ClusterDbBackup -BackupSetId $logs[-1].BackupSetId @configuration -ErrorVariable verifyErrors -ErrorAction SilentlyContinue
        $verifyErrors | Should -BeNullOrEmpty -Because "verifying log backup $($logs[-1].BackupSetId) of $Database must not fail"
        $verification.Problems | Should -BeNullOrEmpty -Because "the chain from full backup $($full.BackupSetId) to log backup $($logs[-1].BackupSetId) must have no gap"
        $verification.Verified | Should -BeTrue
    }

    It '<Server>/<Database> has a log backup younger than <Minutes> minutes' -ForEach @($databases | ForEach-Object { $_ + @{ Minutes = $LogBackupMaxAgeMinutes } }) {
        if ($Minutes -le 0) { Set-ItResult -Skipped -Because '-LogBackupMaxAgeMinutes 0 turns the log age check off'; return }
        $log = Get-ChainSet $Server $Database | Where-Object { "$($_.Type)" -eq 'Log' } | Select-Object -Last 1
        $log | Should -Not -BeNullOrEmpty -Because "the catalog holds no completed log backup of $Database on $Server"
        $log.Finished | Should -BeGreaterThan $now.AddMinutes(-$Minutes) -Because "the newest log backup of $Database on $Server ($($log.BackupSetId)) finished at $($log.Finished.ToString('u'))"
    }
}

Describe 'Verification' -Tag Verified {
    It 'every backup set of <Server>/<Database> is verified' -ForEach $databases {
        $unverified = @(Get-ChainSet $Server $Database | Where-Object { -not $_.Verified } |
                ForEach-Object { "$($_.Type) $($_.BackupSetId) of $($_.Started.ToString('u'))" })
        $unverified | Should -BeNullOrEmpty -Because "every backup set must be verified (Test-ClusterDbBackup); not verified: $($unverified -join ', ')"
    }
}

Describe 'Retention' -Tag Retention {
    BeforeAll {
        $retention = @(Get-TapeRetention -RequiredCopies $RequiredTapeCopies -IncludeActive @catalog -ErrorAction Stop)
    }

    It 'no media set of <Server>/<Database> left the share before <Copies> verified tape copies existed' -ForEach @($databases | ForEach-Object { $_ + @{ Copies = $RequiredTapeCopies } }) {
        $sets = @(Get-ClusterDbBackupSet -Server $Server -Database $Database @catalog -ErrorAction Stop | Where-Object { "$($_.Status)" -eq 'Completed' })
        $early = foreach ($m in $retention | Where-Object { $_.VirtualServer -eq $Server -and $_.Database -eq $Database }) {
            $gone = @($sets | Where-Object MediaSetId -eq $m.MediaSetId | ForEach-Object Files | Where-Object { -not (Test-Path -LiteralPath $_.Path) })
            $retired = "$($m.Status)" -eq 'Retired' -or $gone.Count -gt 0
            if ($retired -and $m.FilesWithEnoughCopies -lt $m.Files) {
                "media set $($m.MediaSetId) ($($m.BackupType), $($m.Status), $($gone.Count) of $($m.Files) files gone from the share): $($m.Reason)"
            }
        }
        @($early) | Should -BeNullOrEmpty -Because "a media set may leave the share only when every file has $Copies verified tape copies; $(@($early) -join '; ')"
    }
}

Describe 'Schedule' -Tag Schedule {
    It 'the schedule has no conflicts' -Skip:(-not $Schedule) {
        $conflicts = @(Test-ClusterBackupSchedule -Path $Schedule @catalog -ErrorAction Stop)
        $described = $conflicts | ForEach-Object { "$($_.FirstJob) and $($_.SecondJob) overlap by $($_.Overlap) from $($_.OverlapStart.ToString('u'))" }
        $conflicts | Should -BeNullOrEmpty -Because "no two jobs may overlap (Test-ClusterBackupSchedule): $($described -join '; ')"
    }
}

Describe 'Scheduled runs' -Tag JobRun {
    It 'the last run of job <Job> (<Type>) succeeded' -ForEach $jobCases {
        $run = Get-ClusterBackupJobHistory -Schedule $Schedule -Job $Job -Last 1 @catalog -ErrorAction Stop
        if (-not $run) { Set-ItResult -Skipped -Because "job $Job has no recorded run yet"; return }
        "$($run.Status)" | Should -BeIn @('Succeeded', 'Running') -Because "the run of $Job on $($run.Host) started $($run.Started.ToString('u')) ended $($run.Status): $($run.Message)"
    }
}

Describe 'Cartridges' -Tag Cartridge {
    It 'the library holds at least <Minimum> blank or scratch cartridges' -ForEach @(@{ Minimum = $MinimumScratchCartridges; Enabled = [bool]($LibraryPath -or $env:CLUSTERBACKUP_TAPE_LIBRARY) }) {
        if (-not $Enabled) { Set-ItResult -Skipped -Because 'no tape library (-LibraryPath or CLUSTERBACKUP_TAPE_LIBRARY)'; return }
        $free = @(Get-TapeCartridge @tape -ErrorAction Stop | Where-Object { "$($_.Location)" -ne 'Exported' -and (-not $_.Status -or "$($_.Status)" -eq 'Scratch') })
        $free.Count | Should -BeGreaterOrEqual $Minimum -Because 'the next tape job needs fresh media'
    }

    It 'cartridge <Barcode> is healthy' -ForEach $cartridges {
        $cartridge = Get-TapeCartridge -Barcode $Barcode @tape -ErrorAction Stop
        $cartridge.BytesUsed | Should -BeLessOrEqual $cartridge.CapacityBytes -Because "cartridge $Barcode cannot hold more than its capacity"
        if ($cartridge.BytesUsed -gt $cartridge.CapacityBytes - $cartridge.EarlyWarningBytes) {
            "$($cartridge.Status)" | Should -BeIn @('Full', 'Closed') -Because "cartridge $Barcode is in its early-warning zone and must not be written to again"
        }
        $objects = @(Get-TapeObject -Barcode $Barcode @catalog -ErrorAction Stop)
        if ("$($cartridge.Status)" -eq 'Retired') {
            $objects | Should -BeNullOrEmpty -Because "retired cartridge $Barcode still holds live tape objects"
        }
        $unverified = @($objects | ForEach-Object { $o = $_; $o.Copies | Where-Object { $Barcode -in $_.Barcodes -and -not $_.Verified } | ForEach-Object { $o.Name } })
        $unverified | Should -BeNullOrEmpty -Because "every copy on cartridge $Barcode must have been read back (Test-TapeObject); not verified: $($unverified -join ', ')"
    }
}

Describe 'Drives' -Tag Drive {
    It 'the library has at least one drive' -ForEach @(@{ Count = $drives.Count; Enabled = [bool]($LibraryPath -or $env:CLUSTERBACKUP_TAPE_LIBRARY) }) {
        if (-not $Enabled) { Set-ItResult -Skipped -Because 'no tape library (-LibraryPath or CLUSTERBACKUP_TAPE_LIBRARY)'; return }
        $Count | Should -BeGreaterThan 0
    }

    It 'drive <Drive> answers and holds no cartridge left behind' -ForEach $drives {
        $state = Get-TapeDrive @tape -ErrorAction Stop | Where-Object Name -eq $Drive
        $state | Should -Not -BeNullOrEmpty -Because "drive $Drive must answer"
        $state.Barcode | Should -BeNullOrEmpty -Because "cartridge $($state.Barcode) was left in drive $Drive (Dismount-TapeCartridge); the next job needs the drive"
    }
}
