#Requires -Modules @{ ModuleName = 'Pester'; ModuleVersion = '5.0.0' }
# Stopping a running full backup, as a user stops one: Stop-Job on a background job, and Stop() on a PowerShell runspace.
# The backup is held at the pause point backup.copying (pg_basebackup running, writing into the .partial folder on the
# share), so it is stopped at a known moment, not after a guessed delay. Each stop must be prompt, leave no backup set
# catalogued, nothing on the share that looks complete and no pg_basebackup behind, and the next backup must succeed.

BeforeAll {
    Import-Module (Join-Path $PSScriptRoot 'TestHelpers/TestHelpers.psd1') -Force
    Import-Module (Get-TestModuleManifest) -Force
    $script:manifest = (Resolve-Path -LiteralPath (Get-TestModuleManifest)).ProviderPath
    $script:pair = Start-TestPostgreSqlPair
    $script:common = @{ ConfigurationPath = $pair.ConfigurationPath; CatalogPath = $pair.CatalogPath }
    Invoke-TestPsql -Port $pair.PrimaryPort -Database $pair.Database -Sql 'CREATE TABLE orders (id int PRIMARY KEY); INSERT INTO orders SELECT generate_series(1, 1000)' | Out-Null

    # A backup before the stops: the catalog exists and has a set of its own, which a stop must leave alone.
    Start-ClusterDbBackup -Server $pair.VirtualServer -Database $pair.Database -Type Full -Initialize -Destination $pair.Share @common -ErrorAction Stop | Out-Null

    # The backup each test starts and stops: a full backup into a new media set.
    $script:backup = {
        param($Manifest, $Pair)
        Import-Module $Manifest
        Start-ClusterDbBackup -Server $Pair.VirtualServer -Database $Pair.Database -Type Full -Initialize -Destination $Pair.Share `
            -ConfigurationPath $Pair.ConfigurationPath -CatalogPath $Pair.CatalogPath
    }

    function script:Enable-PausePoint {
        # Arms backup.copying in this process and the processes it starts; returns the folder of its files.
        $folder = New-TestDirectory -Name pause
        $env:CLUSTERBACKUP_PAUSE_AT = 'backup.copying'
        $env:CLUSTERBACKUP_PAUSE_DIR = $folder
        $folder
    }
    function script:Disable-PausePoint {
        param([string] $Folder)
        Remove-Item Env:CLUSTERBACKUP_PAUSE_AT, Env:CLUSTERBACKUP_PAUSE_DIR -ErrorAction Ignore
        Remove-TestDirectory $Folder
    }
    function script:Wait-PausePoint {
        # Until the backup is held at the point; the deadline only keeps a broken run from hanging the suite.
        param([string] $Folder, [scriptblock] $StillRunning)
        $reached = Join-Path $Folder 'backup.copying.reached'
        $deadline = [DateTime]::UtcNow.AddMinutes(2)
        while (-not (Test-Path -LiteralPath $reached)) {
            if (-not (& $StillRunning)) { throw 'The backup ended before it reached the pause point backup.copying.' }
            if ([DateTime]::UtcNow -gt $deadline) { throw 'The backup did not reach the pause point backup.copying within 2 minutes.' }
            Start-Sleep -Milliseconds 50
        }
    }
    function script:Get-OurBaseBackup {
        # The pg_basebackup processes writing onto this test's share (other runs on the machine have their own).
        @(Get-Process -Name pg_basebackup -ErrorAction Ignore | Where-Object { $_.CommandLine -like "*$($pair.Share)*" })
    }
    function script:Assert-NothingLooksComplete {
        # No backup set in the catalog, no file on the share that a catalogued set does not name, no folder that looks
        # like a finished backup, no pg_basebackup behind.
        param([int] $CataloguedBefore)
        $sets = @(Get-ClusterDbBackupSet -Server $pair.VirtualServer -CatalogPath $pair.CatalogPath)
        $sets.Count | Should -Be $CataloguedBefore -Because 'a stopped backup records no backup set'
        $named = @($sets | ForEach-Object { $_.Files.Path })
        # The share's identity marker is the share's own, not the backup's.
        $files = @(Get-ChildItem -LiteralPath $pair.Share -Recurse -File -Force | Where-Object { $_.FullName -notin $named -and $_.Name -ne '.clusterbackup-share' })
        $files | Should -BeNullOrEmpty -Because 'a stopped backup leaves no file of its own on the share'
        @(Get-ChildItem -LiteralPath $pair.Share -Recurse -Directory -Force | Where-Object Name -Like '*.partial') | Should -BeNullOrEmpty
        Get-OurBaseBackup | Should -BeNullOrEmpty -Because 'the stopped backup''s pg_basebackup is ended with it'
    }
    function script:Assert-NextBackupSucceeds {
        $errors = $null
        $set = Start-ClusterDbBackup -Server $pair.VirtualServer -Database $pair.Database -Type Full -Initialize -Verify -Destination $pair.Share @common `
            -ErrorVariable errors -WarningVariable warnings
        $errors | Should -BeNullOrEmpty
        $warnings | Should -BeNullOrEmpty -Because 'the stopped backup left nothing uncatalogued to warn about'
        $set.Verified | Should -BeTrue
        $set.Status | Should -Be 'Completed'
    }
}

AfterAll {
    Remove-Item Env:CLUSTERBACKUP_PAUSE_AT, Env:CLUSTERBACKUP_PAUSE_DIR -ErrorAction Ignore
    Stop-TestPostgreSqlPair $script:pair
}

Describe 'Stopping a running full backup' {
    It 'Stop-Job on a background job stops it promptly and leaves nothing that looks complete' {
        $before = @(Get-ClusterDbBackupSet -Server $pair.VirtualServer -CatalogPath $pair.CatalogPath).Count
        $folder = Enable-PausePoint
        try {
            $job = Start-Job -ScriptBlock $backup -ArgumentList $manifest, $pair
            Wait-PausePoint $folder { $job.State -eq 'Running' }
            Get-OurBaseBackup | Should -Not -BeNullOrEmpty -Because 'the backup is held while pg_basebackup copies'
            $watch = [Diagnostics.Stopwatch]::StartNew()
            Stop-Job -Job $job
            $watch.Stop()
            $job.State | Should -Be 'Stopped'
            $watch.Elapsed.TotalSeconds | Should -BeLessThan 30 -Because 'a stop does not wait for the copy to finish'
            @(Receive-Job -Job $job -ErrorAction SilentlyContinue | Where-Object { $_ -is [psobject] -and $_.PSObject.Properties['BackupSetId'] }) |
                Should -BeNullOrEmpty -Because 'a stopped backup writes no backup set'
            Remove-Job -Job $job
        }
        finally { Disable-PausePoint $folder }
        Assert-NothingLooksComplete -CataloguedBefore $before
        Assert-NextBackupSucceeds
    }

    It 'Stop() on a runspace running the cmdlet cancels the backup and leaves nothing that looks complete' {
        $before = @(Get-ClusterDbBackupSet -Server $pair.VirtualServer -CatalogPath $pair.CatalogPath).Count
        $folder = Enable-PausePoint
        $shell = [powershell]::Create()
        try {
            [void] $shell.AddScript($backup).AddArgument($manifest).AddArgument($pair)
            $running = $shell.BeginInvoke()
            Wait-PausePoint $folder { -not $running.IsCompleted }
            Get-OurBaseBackup | Should -Not -BeNullOrEmpty -Because 'the backup is held while pg_basebackup copies'
            $watch = [Diagnostics.Stopwatch]::StartNew()
            $shell.Stop()
            $watch.Stop()
            $shell.InvocationStateInfo.State | Should -Be 'Stopped'
            $watch.Elapsed.TotalSeconds | Should -BeLessThan 30 -Because 'a stop does not wait for the copy to finish'
            $stopped = $null
            try { $shell.EndInvoke($running) } catch { $stopped = $_.Exception.InnerException }
            $stopped | Should -BeOfType ([Management.Automation.PipelineStoppedException])
        }
        finally {
            $shell.Dispose()
            Disable-PausePoint $folder
        }
        Assert-NothingLooksComplete -CataloguedBefore $before
        Assert-NextBackupSucceeds
    }
}
