#Requires -Modules @{ ModuleName = 'Pester'; ModuleVersion = '5.0.0' }
# Runs against the staged module (build.ps1 sets CLUSTERBACKUP_MODULE).

BeforeAll {
    $manifest = $env:CLUSTERBACKUP_MODULE
    if (-not $manifest) { $manifest = Join-Path $PSScriptRoot '../../ClusterBackup.psd1' }
    Import-Module $manifest -Force
    $work = Join-Path ([IO.Path]::GetTempPath()) "cb-pester-schedule-$([guid]::NewGuid())"
    New-Item -ItemType Directory -Path $work | Out-Null
    $schedule = Join-Path $work 'weekly.json'
    $catalog = Join-Path $work 'catalog.db'
}

AfterAll {
    Remove-Item -Recurse -Force $work -ErrorAction SilentlyContinue
}

Describe 'The coordinated schedule' {
    It 'creates the weekly template and reads it back' {
        $created = New-ClusterBackupSchedule -Path $schedule -TimeZone 'UTC'
        $created.Name | Should -Be 'weekly'
        $jobs = Get-ClusterBackupSchedule -Path $schedule -Job *
        $jobs.Name | Should -Be @('full-with-init', 'full-no-init', 'log-with-init', 'log-no-init', 'share-to-tape')
    }

    It 'refuses to overwrite without -Force' {
        { New-ClusterBackupSchedule -Path $schedule -ErrorAction Stop } | Should -Throw '*pass -Force*'
    }

    It 'proves the weekly template has no conflicts' {
        $err = $null
        Test-ClusterBackupSchedule -Path $schedule -From '2026-11-23' -Quiet -ErrorVariable err | Should -BeTrue
        @(Test-ClusterBackupSchedule -Path $schedule -From '2026-11-23' -ErrorVariable +err).Count | Should -Be 0
        $err | Should -BeNullOrEmpty
    }

    It 'reports a tape job moved into a log backup, with the smallest fix' {
        $bad = Join-Path $work 'bad.json'
        (Get-Content $schedule -Raw).Replace('"at": "04:30"', '"at": "02:40"') | Set-Content $bad
        $conflicts = @(Test-ClusterBackupSchedule -Path $bad -From '2026-11-23')
        $conflicts.Count | Should -Be 2
        $conflicts[0].FirstJob | Should -Be 'log-no-init'
        $conflicts[0].SecondJob | Should -Be 'share-to-tape'
        $conflicts[0].Overlap.TotalMinutes | Should -Be 10
        $conflicts[0].Suggestion | Should -Be "start 'share-to-tape' 10 min later (02:40 -> 02:50)"
    }

    It 'draws the week and writes the SVG' {
        $svg = Join-Path $work 'week.svg'
        $text = Show-ClusterBackupWeek -Path $schedule -From '2026-11-23' -OutFile $svg
        $text | Should -Match 'no conflicts'
        ([xml](Get-Content $svg -Raw)).svg | Should -Not -BeNullOrEmpty
    }

    It 'exports tasks that follow the task schema' {
        $files = Export-ClusterBackupSchedule -Path $schedule -Scheduler TaskScheduler -Destination (Join-Path $work 'tasks')
        $files.Count | Should -Be 4
        ([xml](Get-Content $files[0].Path -Raw)).Task.version | Should -Be '1.2'
    }

    It 'runs a tape job that names no media-agent configuration as a failed run' {
        $result = Start-ClusterBackupJob -Schedule $schedule -Job share-to-tape -CatalogPath $catalog -Confirm:$false -WarningAction SilentlyContinue
        $result.Status | Should -Be 'Failed'
        $result.ExitCode | Should -Be 1
        $result.Message | Should -Match 'names no media-agent configuration'
    }

    It 'shows what it would register with -WhatIf and changes nothing' {
        $err = $null
        Register-ClusterBackupSchedule -Path $schedule -Scheduler Systemd -Directory (Join-Path $work 'units') -WhatIf -ErrorVariable err
        $err | Should -BeNullOrEmpty
        Test-Path (Join-Path $work 'units') | Should -BeFalse
    }
}

Describe 'Job history: the cmdlet and the CLI on the same case' {
    BeforeAll {
        Import-Module (Join-Path $PSScriptRoot 'TestHelpers/TestHelpers.psd1') -Force
        $script:cli = Get-TestCliPath
        $script:historySchedule = Join-Path $work 'history.json'
        $script:historyCatalog = Join-Path $work 'history.db'
        New-ClusterBackupSchedule -Path $historySchedule -TimeZone UTC -ErrorAction Stop | Out-Null
        # Each run is admitted and fails: the test has no cluster configuration or media-agent configuration.
        foreach ($job in 'log-no-init', 'log-no-init', 'full-no-init', 'share-to-tape') {
            Start-ClusterBackupJob -Schedule $historySchedule -Job $job -CatalogPath $historyCatalog -Confirm:$false -WarningAction SilentlyContinue | Out-Null
        }

        function Get-CliHistory([string[]] $Arguments) {
            $json = & $cli schedule history --catalog $historyCatalog --output json @Arguments
            if ($LASTEXITCODE -ne 0) { throw "clusterbackup schedule history failed ($LASTEXITCODE): $json" }
            @($json | ConvertFrom-Json)
        }
    }

    It 'lists the same runs for several jobs, the last N of each and a status' {
        $err = $null
        $cmdlet = @(Get-ClusterBackupJobHistory -Schedule $historySchedule -Job log-no-init, full-no-init -Last 1 -Status Failed -CatalogPath $historyCatalog -ErrorVariable err)
        $err | Should -BeNullOrEmpty
        $fromCli = Get-CliHistory "--schedule", $historySchedule, "--job", "log-no-init", "full-no-init", "--last", "1", "--status", "Failed"
        $cmdlet.Job | Should -Be @('log-no-init', 'full-no-init')
        $fromCli.RunId | Should -Be $cmdlet.RunId
    }

    It 'takes --limit as the CLI''s older name of --last' {
        $cmdlet = @(Get-ClusterBackupJobHistory -Schedule $historySchedule -Last 3 -CatalogPath $historyCatalog)
        $cmdlet.Count | Should -Be 3
        (Get-CliHistory '--schedule', $historySchedule, '--limit', '3').RunId | Should -Be $cmdlet.RunId
    }

    It 'lists every schedule''s runs when no schedule is named' {
        $cmdlet = @(Get-ClusterBackupJobHistory -CatalogPath $historyCatalog)
        $cmdlet.Count | Should -Be 4
        (Get-CliHistory @()).RunId | Should -Be $cmdlet.RunId
    }

    It 'finds no run for a status no run ended with, without an error' {
        $err = $null
        @(Get-ClusterBackupJobHistory -Status Refused -CatalogPath $historyCatalog -ErrorVariable err).Count | Should -Be 0
        $err | Should -BeNullOrEmpty
        (Get-CliHistory '--status', 'Refused').Count | Should -Be 0
    }
}
