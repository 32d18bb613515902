#Requires -Modules @{ ModuleName = 'Pester'; ModuleVersion = '5.0.0' }
# The command lines that the schedule's exports run, run as written: the Task Scheduler action
# (pwsh -Command "Import-Module 'ClusterBackup'; ...") with the module installed in a folder on
# PSModulePath, and a crontab line (the clusterbackup CLI, through sh as cron runs it), each against
# a real PostgreSQL primary and standby. Each must do its job: a backup set in the catalog and the
# run recorded with its result.

BeforeAll {
    Import-Module (Join-Path $PSScriptRoot 'TestHelpers/TestHelpers.psd1') -Force
    Import-Module (Get-TestModuleManifest) -Force
    $script:pair = Start-TestPostgreSqlPair
    $script:work = New-TestDirectory -Name scheduled
    $script:modules = Install-TestModule -Destination (Join-Path $work 'modules')
    $script:schedule = Join-Path $pair.Root 'schedule.json'
    New-ClusterBackupSchedule -Path $schedule -TimeZone UTC -Cluster $pair.Cluster -Server $pair.VirtualServer `
        -Database $pair.Database -Share $pair.Share -ErrorAction Stop | Out-Null
    $script:cli = Get-TestCliPath

    function Get-RunHistory([string] $Job) {
        $json = & $cli schedule history --schedule $schedule --job $Job --catalog $pair.CatalogPath --output json
        if ($LASTEXITCODE -ne 0) { throw "clusterbackup schedule history failed ($LASTEXITCODE): $json" }
        @($json | ConvertFrom-Json)
    }
}

AfterAll {
    Stop-TestPostgreSqlPair $script:pair
    Remove-TestDirectory $script:work
}

Describe 'An exported Task Scheduler action' {
    BeforeAll {
        $tasks = Export-ClusterBackupSchedule -Path $schedule -Scheduler TaskScheduler -Destination (Join-Path $work 'tasks') `
            -PowerShellPath (Get-TestPwshPath) -CatalogPath $pair.CatalogPath -ErrorAction Stop
        $task = [xml](Get-Content -Raw ($tasks | Where-Object Job -EQ 'full-with-init').Path)
        $script:exec = $task.Task.Actions.Exec

        # Run as Task Scheduler does: the program and its argument string as written in the task,
        # split by the Windows command-line rules, with the module found through PSModulePath.
        $start = [Diagnostics.ProcessStartInfo]::new($exec.Command, $exec.Arguments)
        $start.UseShellExecute = $false
        $start.RedirectStandardOutput = $true
        $start.RedirectStandardError = $true
        $start.Environment['PSModulePath'] = $modules
        $start.Environment.Remove('CLUSTERBACKUP_MODULE') | Out-Null
        $process = [Diagnostics.Process]::Start($start)
        $script:stdout = $process.StandardOutput.ReadToEndAsync()
        $script:stderr = $process.StandardError.ReadToEndAsync()
        $process.WaitForExit()
        $script:exitCode = $process.ExitCode
    }

    It 'imports the module by name' {
        $exec.Arguments | Should -BeLike "*-Command `"Import-Module 'ClusterBackup'; *"
    }

    It 'exits 0, the job''s success' {
        $exitCode | Should -Be 0 -Because "$($stderr.Result)$($stdout.Result)"
    }

    It 'leaves the full backup in the catalog' {
        $err = $null
        $sets = @(Get-ClusterDbBackupSet -Server $pair.VirtualServer -Database $pair.Database -CatalogPath $pair.CatalogPath -ErrorVariable err)
        $err | Should -BeNullOrEmpty
        $sets.Count | Should -Be 1
        $sets[0].Type | Should -Be 'Full'
        $sets[0].Initialize | Should -BeTrue
    }

    It 'records the run and its result' {
        $runs = Get-RunHistory 'full-with-init'
        $runs.Count | Should -Be 1
        $runs[0].Status | Should -Be 'Succeeded'
    }
}

Describe 'An exported crontab line' -Skip:(-not ($IsLinux -or $IsMacOS)) {
    BeforeAll {
        Invoke-TestPsql -Port $pair.PrimaryPort -Database $pair.Database -Sql 'CREATE TABLE orders (id int); INSERT INTO orders VALUES (1)' | Out-Null
        $cron = Export-ClusterBackupSchedule -Path $schedule -Scheduler Cron -Destination (Join-Path $work 'cron') `
            -CliPath $cli -CatalogPath $pair.CatalogPath -ErrorAction Stop
        $line = (Get-Content $cron[0].Path) | Where-Object { $_ -match '^\d' -and $_ -match "--job '?log-no-init'?" } | Select-Object -First 1
        # minute hours day-of-month month day-of-week command: cron hands the command to sh.
        $script:command = ($line -split ' ', 6)[5]
        $script:output = & sh -c "$command 2>&1"
        $script:exitCode = $LASTEXITCODE
    }

    It 'runs the job through the CLI' {
        $command | Should -BeLike "$cli schedule run *--job*log-no-init*"
    }

    It 'exits 0 and leaves a log backup after the full one' {
        $exitCode | Should -Be 0 -Because ($output -join "`n")
        $sets = @(Get-ClusterDbBackupSet -Server $pair.VirtualServer -Database $pair.Database -CatalogPath $pair.CatalogPath)
        $sets.Type | Should -Be @('Full', 'Log')
        (Get-RunHistory 'log-no-init')[0].Status | Should -Be 'Succeeded'
    }
}
