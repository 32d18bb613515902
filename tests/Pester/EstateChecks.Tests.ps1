#Requires -Modules @{ ModuleName = 'Pester'; ModuleVersion = '5.0.0' }
# Invoke-ClusterBackupEstateCheck and the shipped checks (Checks/ClusterBackup.Estate.Tests.ps1): a healthy estate on a
# real PostgreSQL primary + standby and a virtual tape library passes every check, and each check fails on an estate
# built to break it. The checks run Pester themselves, so each run is a new pwsh process (Pester does not nest).

BeforeAll {
    Import-Module (Join-Path $PSScriptRoot 'TestHelpers/TestHelpers.psd1') -Force
    Import-Module (Get-TestModuleManifest) -Force
    $script:manifest = (Resolve-Path -LiteralPath (Get-TestModuleManifest)).ProviderPath
    $script:pesterManifest = Join-Path (Get-Module Pester | Sort-Object Version -Descending | Select-Object -First 1).ModuleBase 'Pester.psd1'
    if (-not (Get-Command sqlite3 -ErrorAction SilentlyContinue)) { throw 'sqlite3 is needed to craft a catalog with a gap (apt-get install sqlite3).' }

    $script:pair = Start-TestPostgreSqlPair -Database appdb
    $p = $script:pair
    $script:healthy = @{ CatalogPath = $p.CatalogPath; ConfigurationPath = $p.ConfigurationPath }
    Invoke-TestPsql -Port $p.PrimaryPort -Database appdb -Sql 'CREATE TABLE orders (id int PRIMARY KEY)' | Out-Null

    function script:Add-Order([int] $From, [int] $To) {
        Invoke-TestPsql -Port $script:pair.PrimaryPort -Database appdb -Sql "INSERT INTO orders SELECT generate_series($From, $To)" | Out-Null
    }
    function script:New-Estate {
        # Another catalog and share beside the healthy one, on the same servers.
        param([string] $Name)
        $root = Join-Path $script:pair.Root $Name
        New-Item -ItemType Directory -Path $root, (Join-Path $root 'share') | Out-Null
        if ((id -u) -eq '0') { chown -R postgres $root }
        [pscustomobject]@{ Root = $root; Share = Join-Path $root 'share'; CatalogPath = Join-Path $root 'catalog.db'; ConfigurationPath = $script:pair.ConfigurationPath }
    }
    function script:Copy-Catalog([string] $From, [string] $To) {
        & sqlite3 $From ".backup '$To'"
        if ($LASTEXITCODE -ne 0) { throw "sqlite3 could not copy $From" }
    }
    function script:Invoke-Sqlite([string] $Path, [string] $Sql) {
        & sqlite3 $Path $Sql
        if ($LASTEXITCODE -ne 0) { throw "sqlite3 failed on $Path : $Sql" }
    }
    # The checks run Pester, which does not nest in this run: they run in another pwsh. One worker process, started once
    # and fed one request per line, runs them all (Pester runs one after another in a session); a run that needs its own
    # environment gets a process of its own.
    $script:checkScript = @'
# $p is typed on purpose: the cmdlet's own script once ran in its caller's scope and assigned a path to the caller's $p.
function Invoke-Check([hashtable] $p, [string] $resultFile) {
    try {
        $r = Invoke-ClusterBackupEstateCheck @p -Output None
        [pscustomobject]@{
            Type = $r.GetType().FullName; Result = $r.Result; Passed = $r.PassedCount; Failed = $r.FailedCount; Skipped = $r.SkippedCount
            Tests = @($r.Tests | ForEach-Object { [pscustomobject]@{ Name = $_.ExpandedName; Path = $_.ExpandedPath; Result = $_.Result; Tags = @($_.Block.Tag); Message = "$($_.ErrorRecord.Exception.Message)" } })
            Error = $null; ErrorId = $null
        } | ConvertTo-Json -Depth 5 | Set-Content -LiteralPath $resultFile
    }
    catch {
        [pscustomobject]@{ Error = $_.Exception.Message; ErrorId = $_.FullyQualifiedErrorId; Category = "$($_.CategoryInfo.Category)" } | ConvertTo-Json | Set-Content -LiteralPath $resultFile
    }
}
$ErrorActionPreference = 'Stop'
if ($env:CB_PESTER) { Import-Module $env:CB_PESTER }
Import-Module $env:CB_MODULE
'@
    function script:Start-EstateCheckWorker {
        $start = [Diagnostics.ProcessStartInfo]::new((Get-TestPwshPath))
        $loop = $script:checkScript + "`n" + @'
while ($null -ne ($line = [Console]::In.ReadLine())) {
    $request = $line | ConvertFrom-Json -AsHashtable
    Invoke-Check $request.Parameters $request.Result
    [Console]::Out.WriteLine("estate-check-done $($request.Result)")
}
'@
        foreach ($argument in '-NoProfile', '-NonInteractive', '-Command', $loop) { $start.ArgumentList.Add($argument) }
        $start.RedirectStandardInput = $true
        $start.RedirectStandardOutput = $true
        $start.RedirectStandardError = $true
        $start.UseShellExecute = $false
        $start.Environment['CB_MODULE'] = $script:manifest
        $start.Environment['CB_PESTER'] = $script:pesterManifest
        $process = [Diagnostics.Process]::Start($start)
        [pscustomobject]@{ Process = $process; Error = $process.StandardError.ReadToEndAsync() }
    }
    function script:Stop-EstateCheckWorker {
        if (-not $script:worker) { return }
        $script:worker.Process.StandardInput.Close()
        if (-not $script:worker.Process.WaitForExit(60000)) { $script:worker.Process.Kill($true) }
        $script:worker = $null
    }
    function script:Invoke-EstateCheck {
        # Runs Invoke-ClusterBackupEstateCheck in another pwsh with these parameters; returns Pester's summary and every test.
        param([hashtable] $Parameters, [hashtable] $Environment = @{})
        $resultFile = Join-Path $script:pair.Root "result-$([guid]::NewGuid().ToString('N')).json"
        if ($Environment.Count -gt 0) {
            $variables = @{ CB_MODULE = $script:manifest; CB_PESTER = $script:pesterManifest; CB_PARAMETERS = ($Parameters | ConvertTo-Json -Depth 4); CB_RESULT = $resultFile }
            foreach ($key in $Environment.Keys) { $variables[$key] = $Environment[$key] }
            $run = Invoke-TestPwsh -Command ($script:checkScript + "`nInvoke-Check (`$env:CB_PARAMETERS | ConvertFrom-Json -AsHashtable) `$env:CB_RESULT") -Environment $variables
            $output = "exit $($run.ExitCode): $($run.Output) $($run.Error)"
        }
        else {
            if (-not $script:worker -or $script:worker.Process.HasExited) { $script:worker = Start-EstateCheckWorker }
            $script:worker.Process.StandardInput.WriteLine((@{ Parameters = $Parameters; Result = $resultFile } | ConvertTo-Json -Depth 5 -Compress))
            $lines = [Collections.Generic.List[string]]::new()
            while ($null -ne ($line = $script:worker.Process.StandardOutput.ReadLine()) -and $line -ne "estate-check-done $resultFile") { $lines.Add($line) }
            $output = if ($null -eq $line) { "the worker exited: $($lines -join ' ') $($script:worker.Error.Result)" } else { $lines -join ' ' }
        }
        if (-not (Test-Path -LiteralPath $resultFile)) { throw "The estate check run wrote no result ($output)" }
        Get-Content -LiteralPath $resultFile -Raw | ConvertFrom-Json
    }

    # The healthy estate: a full and two log backups (the second run as the scheduled job does), all verified; a
    # schedule that names the database; the backups on tape with a mirror, read back.
    Add-Order 1 100
    $script:full = Start-ClusterDbBackup -Server pgvs -Database appdb -Type Full -Initialize -Verify -Destination $p.Share @healthy -ErrorAction Stop
    Add-Order 101 200
    $script:log1 = Start-ClusterDbBackup -Server pgvs -Database appdb -Type Log -Verify -Destination $p.Share @healthy -ErrorAction Stop
    Add-Order 201 300
    $script:schedule = Join-Path $p.Root 'weekly.json'
    New-ClusterBackupSchedule -Path $script:schedule -Cluster $p.Cluster -Server $p.VirtualServer -Database appdb -Share $p.Share -TimeZone UTC -ErrorAction Stop | Out-Null
    $run = Start-ClusterBackupJob -Schedule $script:schedule -Job log-no-init -CatalogPath $p.CatalogPath -ErrorAction Stop
    if ($run.ExitCode -ne 0) { throw "The scheduled log backup failed: $($run.Message)" }
    $script:log2 = Get-ClusterDbBackupSet -Server pgvs -Database appdb -Type Log -CatalogPath $p.CatalogPath | Select-Object -Last 1
    $script:tape = New-TestTapeLibrary -Root (Join-Path $p.Root 'tape') -Drives 2 -Barcode VT0001, VT0002, VT0003 -CapacityBytes 256MB -CatalogPath $p.CatalogPath
    $script:agents = Join-Path $p.Root 'agents.json'
    New-TapeAgentConfiguration -Path $script:agents -LibraryPath $tape.LibraryPath -Drive drive0 -MirrorDrive drive1 -Pool Daily -MirrorPool Offsite -BlockSize 65536 -CatalogPath $p.CatalogPath -ErrorAction Stop | Out-Null
    Get-ClusterDbBackupSet -Server pgvs -CatalogPath $p.CatalogPath | Backup-TapeBackupSet -ConfigurationPath $script:agents -Verify -LibraryPath $tape.LibraryPath -CatalogPath $p.CatalogPath -ErrorAction Stop | Out-Null
    $script:healthyChecks = $healthy + @{ Schedule = $script:schedule; LibraryPath = $tape.LibraryPath }
}

AfterAll {
    Stop-EstateCheckWorker
    Stop-TestPostgreSqlPair $script:pair
}

Describe 'Invoke-ClusterBackupEstateCheck on a healthy estate' {
    BeforeAll {
        $script:xml = Join-Path $script:pair.Root 'estate-junit.xml'
        $script:result = Invoke-EstateCheck ($script:healthyChecks + @{ OutputFile = $script:xml; OutputFormat = 'JUnitXml' })
    }

    It 'returns the Pester result, Passed, with no failed check' {
        $result.Error | Should -BeNullOrEmpty
        $result.Type | Should -Be 'Pester.Run'
        $result.Result | Should -Be 'Passed'
        $result.Failed | Should -Be 0
        @($result.Tests | Where-Object Result -eq 'Failed') | Should -BeNullOrEmpty
    }

    It 'runs every check: <_>' -ForEach 'FullBackup', 'LogChain', 'Verified', 'Retention', 'Schedule', 'JobRun', 'Cartridge', 'Drive' {
        $tag = $_
        $passed = @($result.Tests | Where-Object { $tag -in $_.Tags -and $_.Result -eq 'Passed' })
        $passed.Count | Should -BeGreaterThan 0 -Because "the $tag checks must pass on a healthy estate"
    }

    It 'checks the database, each cartridge and each drive by name' {
        $names = $result.Tests.Name
        $names | Should -Contain 'pgvs/appdb has a full backup younger than 24 hours'
        $names | Should -Contain 'pgvs/appdb has a gap-free log chain since its last full backup'
        $names | Should -Contain 'the last run of job log-no-init (TransDB No Init) succeeded'
        $names | Should -Contain 'cartridge VT0001 is healthy'
        $names | Should -Contain 'drive drive1 answers and holds no cartridge left behind'
    }

    It 'skips, and does not fail, the jobs that never ran' {
        ($result.Tests | Where-Object Name -eq 'the last run of job share-to-tape (Share -> tape) succeeded').Result | Should -Be 'Skipped'
    }

    It 'writes JUnit XML with the same counts' {
        [xml] $junit = Get-Content -LiteralPath $xml -Raw
        $junit.testsuites | Should -Not -BeNullOrEmpty
        [int] $junit.testsuites.failures | Should -Be 0
        [int] $junit.testsuites.tests | Should -Be ($result.Passed + $result.Failed + $result.Skipped)
    }

    It 'writes NUnit XML by default' {
        $nunit = Join-Path $script:pair.Root 'estate-nunit.xml'
        $r = Invoke-EstateCheck ($script:healthyChecks + @{ OutputFile = $nunit; Tag = 'FullBackup' })
        $r.Result | Should -Be 'Passed'
        [xml] $doc = Get-Content -LiteralPath $nunit -Raw
        $doc.'test-results' | Should -Not -BeNullOrEmpty
        [int] $doc.'test-results'.failures | Should -Be 0
    }
}

Describe 'Each check fails on an estate built to break it' {
    It 'FullBackup: a database the schedule names has no full backup' {
        $broken = Join-Path $script:pair.Root 'two-databases.json'
        $s = Get-Content -LiteralPath $script:schedule -Raw | ConvertFrom-Json -AsHashtable
        foreach ($job in $s.jobs | Where-Object { $_.databases }) { $job.databases = @('appdb', 'salesdb') }
        $s | ConvertTo-Json -Depth 8 | Set-Content -LiteralPath $broken
        $r = Invoke-EstateCheck ($script:healthy + @{ Schedule = $broken; Tag = 'FullBackup' })
        $r.Result | Should -Be 'Failed'
        $failed = @($r.Tests | Where-Object Result -eq 'Failed')
        $failed.Name | Should -Be 'pgvs/salesdb has a full backup younger than 24 hours'
        $failed.Message | Should -BeLike '*no completed full backup of salesdb on pgvs*'
        ($r.Tests | Where-Object Name -eq 'pgvs/appdb has a full backup younger than 24 hours').Result | Should -Be 'Passed'
    }

    It 'LogChain: a log backup missing from the chain leaves a gap' {
        $estate = New-Estate gap
        Copy-Catalog $script:pair.CatalogPath $estate.CatalogPath
        Invoke-Sqlite $estate.CatalogPath "UPDATE backup_sets SET status = 'Failed' WHERE backup_set_id = '$($script:log1.BackupSetId)'"
        $r = Invoke-EstateCheck @{ CatalogPath = $estate.CatalogPath; ConfigurationPath = $estate.ConfigurationPath; Tag = 'LogChain' }
        $r.Result | Should -Be 'Failed'
        $failed = @($r.Tests | Where-Object Result -eq 'Failed')
        $failed.Name | Should -Be 'pgvs/appdb has a gap-free log chain since its last full backup'
        $failed.Message | Should -BeLike "*$($script:log2.BackupSetId)*WAL is missing*"
    }

    It 'LogChain: no log backup since the full, and none younger than the threshold' {
        $estate = New-Estate nolog
        Start-ClusterDbBackup -Server pgvs -Database appdb -Type Full -Initialize -Verify -Destination $estate.Share -CatalogPath $estate.CatalogPath -ConfigurationPath $estate.ConfigurationPath -ErrorAction Stop | Out-Null
        $r = Invoke-EstateCheck @{ CatalogPath = $estate.CatalogPath; ConfigurationPath = $estate.ConfigurationPath; Tag = 'LogChain' }
        $r.Result | Should -Be 'Failed'
        ($r.Tests | Where-Object Name -eq 'pgvs/appdb has a gap-free log chain since its last full backup').Message | Should -BeLike '*No log backup of appdb on pgvs since the full backup*'
        ($r.Tests | Where-Object Name -eq 'pgvs/appdb has a log backup younger than 60 minutes').Message | Should -BeLike '*no completed log backup of appdb on pgvs*'
        # -LogBackupMaxAgeMinutes 0 is the setting for databases without log backups: the same estate then passes.
        $r0 = Invoke-EstateCheck @{ CatalogPath = $estate.CatalogPath; ConfigurationPath = $estate.ConfigurationPath; Tag = 'LogChain'; LogBackupMaxAgeMinutes = 0 }
        $r0.Result | Should -Be 'Passed'
        $r0.Failed | Should -Be 0
        $script:noLogEstate = $estate
    }

    It 'Verified: a backup taken without -Verify' {
        $estate = New-Estate unverified
        Start-ClusterDbBackup -Server pgvs -Database appdb -Type Full -Initialize -Destination $estate.Share -CatalogPath $estate.CatalogPath -ConfigurationPath $estate.ConfigurationPath -ErrorAction Stop | Out-Null
        $set = Get-ClusterDbBackupSet -CatalogPath $estate.CatalogPath
        $r = Invoke-EstateCheck @{ CatalogPath = $estate.CatalogPath; Tag = 'Verified' }
        $r.Result | Should -Be 'Failed'
        ($r.Tests | Where-Object Result -eq 'Failed').Message | Should -BeLike "*not verified: Full $($set.BackupSetId)*"
        # Verifying it repairs the estate.
        Test-ClusterDbBackup -BackupSetId $set.BackupSetId -CatalogPath $estate.CatalogPath -ConfigurationPath $estate.ConfigurationPath -ErrorAction Stop | Out-Null
        (Invoke-EstateCheck @{ CatalogPath = $estate.CatalogPath; Tag = 'Verified' }).Result | Should -Be 'Passed'
    }

    It 'Retention: a superseded media set deleted from the share without tape copies' {
        $estate = $script:noLogEstate
        $first = Get-ClusterDbBackupSet -CatalogPath $estate.CatalogPath -Type Full | Select-Object -First 1
        Start-ClusterDbBackup -Server pgvs -Database appdb -Type Full -Initialize -Verify -Destination $estate.Share -CatalogPath $estate.CatalogPath -ConfigurationPath $estate.ConfigurationPath -ErrorAction Stop | Out-Null
        $parameters = @{ CatalogPath = $estate.CatalogPath; Tag = 'Retention' }
        (Invoke-EstateCheck $parameters).Result | Should -Be 'Passed' -Because 'a superseded media set still on the share is not retired'
        $first.Files | ForEach-Object { Remove-Item -LiteralPath $_.Path }
        $r = Invoke-EstateCheck $parameters
        $r.Result | Should -Be 'Failed'
        ($r.Tests | Where-Object Result -eq 'Failed').Message | Should -BeLike "*media set $($first.MediaSetId) (Full, Superseded, $(@($first.Files).Count) of $(@($first.Files).Count) files gone from the share)*"
    }

    It 'Schedule: the tape job moved onto the full backups' {
        $broken = Join-Path $script:pair.Root 'conflict.json'
        $s = Get-Content -LiteralPath $script:schedule -Raw | ConvertFrom-Json -AsHashtable
        ($s.jobs | Where-Object name -eq 'share-to-tape').recurrence = @{ days = @('Monday'); at = '01:30' }
        $s | ConvertTo-Json -Depth 8 | Set-Content -LiteralPath $broken
        $r = Invoke-EstateCheck ($script:healthy + @{ Schedule = $broken; Tag = 'Schedule' })
        $r.Result | Should -Be 'Failed'
        ($r.Tests | Where-Object Result -eq 'Failed').Message | Should -BeLike '*full-with-init and share-to-tape overlap*'
    }

    It 'JobRun: the last run of a job failed' {
        $broken = Join-Path $script:pair.Root 'failing.json'
        New-ClusterBackupSchedule -Path $broken -Name failing -Cluster $script:pair.Cluster -Server pgvs -Database nosuchdb -Share $script:pair.Share -TimeZone UTC -ErrorAction Stop | Out-Null
        $run = Start-ClusterBackupJob -Schedule $broken -Job log-no-init -CatalogPath $script:pair.CatalogPath -ErrorAction SilentlyContinue
        $run.ExitCode | Should -Be 1
        $r = Invoke-EstateCheck @{ CatalogPath = $script:pair.CatalogPath; Schedule = $broken; Tag = 'JobRun' }
        $r.Result | Should -Be 'Failed'
        $failed = @($r.Tests | Where-Object Result -eq 'Failed')
        $failed.Name | Should -Be 'the last run of job log-no-init (TransDB No Init) succeeded'
        $failed.Message | Should -BeLike '*ended Failed*nosuchdb*'
        (Get-ClusterBackupJobHistory -Schedule $broken -Job log-no-init -CatalogPath $script:pair.CatalogPath).Status | Should -Be 'Failed'
    }

    It 'Cartridge: copies written to tape without reading them back' {
        $estate = New-Estate unread
        Copy-Catalog $script:noLogEstate.CatalogPath $estate.CatalogPath
        $library = New-TestTapeLibrary -Root $estate.Root -Drives 2 -Barcode VT0101, VT0102 -CapacityBytes 64MB -CatalogPath $estate.CatalogPath
        $agents = Join-Path $estate.Root 'agents.json'
        New-TapeAgentConfiguration -Path $agents -LibraryPath $library.LibraryPath -Drive drive0 -Pool Daily -BlockSize 65536 -CatalogPath $estate.CatalogPath -ErrorAction Stop | Out-Null
        Get-ClusterDbBackupSet -CatalogPath $estate.CatalogPath | Select-Object -Last 1 |
            Backup-TapeBackupSet -ConfigurationPath $agents -LibraryPath $library.LibraryPath -CatalogPath $estate.CatalogPath -ErrorAction Stop | Out-Null
        $r = Invoke-EstateCheck @{ CatalogPath = $estate.CatalogPath; LibraryPath = $library.LibraryPath; Tag = 'Cartridge' }
        $r.Result | Should -Be 'Failed'
        $failed = @($r.Tests | Where-Object Result -eq 'Failed')
        $failed.Name | Should -Be 'cartridge VT0101 is healthy'
        $failed.Message | Should -BeLike '*must have been read back*not verified: pgvs/appdb/*'
        $script:unreadLibrary = $library
    }

    It 'Cartridge: no scratch cartridge left for the next job' {
        $r = Invoke-EstateCheck @{ CatalogPath = $script:pair.CatalogPath; LibraryPath = $script:tape.LibraryPath; Tag = 'Cartridge'; MinimumScratchCartridges = 2 }
        $r.Result | Should -Be 'Failed'
        ($r.Tests | Where-Object Result -eq 'Failed').Name | Should -Be 'the library holds at least 2 blank or scratch cartridges'
    }

    It 'Drive: a cartridge left in a drive' {
        $library = $script:unreadLibrary
        Mount-TapeCartridge -Barcode VT0102 -Drive drive1 -LibraryPath $library.LibraryPath -CatalogPath $library.CatalogPath -ErrorAction Stop | Out-Null
        $r = Invoke-EstateCheck @{ CatalogPath = $library.CatalogPath; LibraryPath = $library.LibraryPath; Tag = 'Drive' }
        $r.Result | Should -Be 'Failed'
        $failed = @($r.Tests | Where-Object Result -eq 'Failed')
        $failed.Name | Should -Be 'drive drive1 answers and holds no cartridge left behind'
        $failed.Message | Should -BeLike '*cartridge VT0102 was left in drive drive1*'
        ($r.Tests | Where-Object Name -eq 'drive drive0 answers and holds no cartridge left behind').Result | Should -Be 'Passed'
    }
}

Describe 'Invoke-ClusterBackupEstateCheck -WhatIf and Get-ClusterBackupJobHistory' {
    It 'ships the checks and the about topic in the module folder' {
        $base = Split-Path -Parent $script:manifest
        Test-Path -LiteralPath (Join-Path $base 'Checks/ClusterBackup.Estate.Tests.ps1') -PathType Leaf | Should -BeTrue
        (Get-Help about_ClusterBackup_EstateChecks | Out-String) | Should -BeLike '*LogChain*RequiredTapeCopies*'
    }

    It 'runs nothing and writes nothing with -WhatIf' {
        $err = $null
        $file = Join-Path $script:pair.Root 'whatif.xml'
        $out = Invoke-ClusterBackupEstateCheck -CatalogPath $script:pair.CatalogPath -OutputFile $file -WhatIf -ErrorVariable err
        $err | Should -BeNullOrEmpty
        $out | Should -BeNullOrEmpty
        Test-Path -LiteralPath $file | Should -BeFalse
    }

    It 'lists the recorded run of the scheduled log backup' {
        $err = $null
        $runs = @(Get-ClusterBackupJobHistory -Schedule $script:schedule -CatalogPath $script:pair.CatalogPath -ErrorVariable err)
        $err | Should -BeNullOrEmpty
        $runs.Count | Should -Be 1
        $runs[0].Job | Should -Be 'log-no-init'
        "$($runs[0].Status)" | Should -Be 'Succeeded'
        $runs[0].Schedule | Should -Be 'weekly'
    }

    It 'names a schedule file that does not exist' {
        $err = $null
        Get-ClusterBackupJobHistory -Schedule (Join-Path $script:pair.Root 'nosuch.json') -CatalogPath $script:pair.CatalogPath -ErrorVariable err -ErrorAction SilentlyContinue
        $err.Count | Should -Be 1
        $err[0].Exception.Message | Should -BeLike '*nosuch.json*'
    }
}

Describe 'Invoke-ClusterBackupEstateCheck errors' {
    It 'names Pester 5 and how to install it when Pester is missing' {
        $empty = New-TestDirectory -Name nomodules
        try {
            $r = Invoke-EstateCheck -Parameters @{ CatalogPath = $script:pair.CatalogPath } -Environment @{ CB_PESTER = ''; PSModulePath = $empty }
            $r.ErrorId | Should -Be 'PesterNotFound,ClusterBackup.PowerShell.Estate.InvokeClusterBackupEstateCheckCommand'
            $r.Category | Should -Be 'ObjectNotFound'
            $r.Error | Should -BeLike '*Pester module, version 5*Install-Module Pester -MinimumVersion 5.0*'
        }
        finally { Remove-TestDirectory $empty }
    }

    It 'names a schedule file that does not exist, before Pester runs' {
        # The paths are checked before Invoke-Pester is called, so this runs in this process.
        # A bad parameter is a terminating error.
        $record = $null
        $out = try { Invoke-ClusterBackupEstateCheck -CatalogPath $script:pair.CatalogPath -Schedule (Join-Path $script:pair.Root 'nosuch.json') } catch { $record = $_ }
        $out | Should -BeNullOrEmpty
        $record | Should -Not -BeNullOrEmpty
        $record.FullyQualifiedErrorId | Should -Be 'ScheduleNotFound,ClusterBackup.PowerShell.Estate.InvokeClusterBackupEstateCheckCommand'
        $record.CategoryInfo.Category | Should -Be 'ObjectNotFound'
        $record.Exception.Message | Should -BeLike '*nosuch.json*does not exist*'
    }
}
