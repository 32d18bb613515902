#Requires -Modules @{ ModuleName = 'Pester'; ModuleVersion = '5.0.0' }
# The backup cmdlets against a real PostgreSQL primary and streaming standby, in the order an admin runs them:
# a full backup with -Initialize and -Verify, log backups, a failover, a log backup from the promoted node that
# continues the chain, Get-ClusterDbBackupSet | Test-ClusterDbBackup, and a point-in-time restore whose copy
# holds exactly the rows committed before that point. Each step asserts the objects that came out and that no
# error was written.

BeforeAll {
    Import-Module (Join-Path $PSScriptRoot 'TestHelpers/TestHelpers.psd1') -Force
    Import-Module (Get-TestModuleManifest) -Force
    $script:pair = Start-TestPostgreSqlPair
    $script:common = @{ ConfigurationPath = $pair.ConfigurationPath; CatalogPath = $pair.CatalogPath }
    Invoke-TestPsql -Port $pair.PrimaryPort -Database $pair.Database -Sql 'CREATE TABLE orders (id int PRIMARY KEY)' | Out-Null

    function Add-Order([int] $Port, [int[]] $Id) {
        foreach ($i in $Id) { Invoke-TestPsql -Port $Port -Database $pair.Database -Sql "INSERT INTO orders VALUES ($i)" | Out-Null }
    }
}

AfterAll {
    Stop-TestPostgreSqlPair $script:pair
}

Describe 'A clustered PostgreSQL database backed up, failed over and restored with the cmdlets' {
    BeforeAll {
        $script:full = Start-ClusterDbBackup -Server $pair.VirtualServer -Database $pair.Database -Type Full -Initialize -Verify `
            -Destination $pair.Share @common -ErrorVariable fullErrors
        Add-Order $pair.PrimaryPort 1, 2, 3
        $script:log1 = Start-ClusterDbBackup -Server $pair.VirtualServer -Database $pair.Database -Type Log -Destination $pair.Share @common -ErrorVariable log1Errors
        Invoke-TestPostgreSqlFailover $pair
        Add-Order $pair.StandbyPort 4, 5
        Start-Sleep -Milliseconds 1100
        $script:pointInTime = [DateTime]::Parse((Invoke-TestPsql -Port $pair.StandbyPort -Sql "SELECT to_char(clock_timestamp() AT TIME ZONE 'UTC', 'YYYY-MM-DD`"T`"HH24:MI:SS.US`"Z`"')"),
            [Globalization.CultureInfo]::InvariantCulture, [Globalization.DateTimeStyles]::AdjustToUniversal)
        Start-Sleep -Milliseconds 1100
        Add-Order $pair.StandbyPort 6, 7
        $script:log2 = Start-ClusterDbBackup -Server $pair.VirtualServer -Database $pair.Database -Type Log -Verify -Destination $pair.Share @common -ErrorVariable log2Errors
    }

    It 'takes a verified full backup into a new media set on the owner node' {
        $fullErrors | Should -BeNullOrEmpty
        $full | Should -HaveCount 1
        $full.Database | Should -Be $pair.Database
        $full.Type | Should -Be 'Full'
        $full.Node | Should -Be 'node1'
        $full.Initialize | Should -BeTrue
        $full.Verified | Should -BeTrue
        @($full.Files).Count | Should -BeGreaterThan 1
        $full.Files | ForEach-Object { $_.Sha256 | Should -Match '^[0-9a-f]{64}$' }
    }

    It 'continues the log chain on the promoted node after the failover, in the same media set' {
        $log1Errors | Should -BeNullOrEmpty
        $log2Errors | Should -BeNullOrEmpty
        $log1.Node | Should -Be 'node1'
        $log2.Node | Should -Be 'node2'
        $log2.MediaSetId | Should -Be $log1.MediaSetId
        $log2.Position | Should -Be ($log1.Position + 1)
        $log2.Timeline | Should -Be '2'
        $log2.Verified | Should -BeTrue
    }

    It 'lists the three backup sets in the catalog, oldest first' {
        $sets = Get-ClusterDbBackupSet -Server $pair.VirtualServer -Database $pair.Database -CatalogPath $pair.CatalogPath -ErrorVariable listErrors
        $listErrors | Should -BeNullOrEmpty
        $sets.BackupSetId | Should -Be @($full.BackupSetId, $log1.BackupSetId, $log2.BackupSetId)
        (Get-ClusterDbBackupSet -Server $pair.VirtualServer -Type Log -CatalogPath $pair.CatalogPath).BackupSetId | Should -Be @($log1.BackupSetId, $log2.BackupSetId)
    }

    It 'lists the latest chain with -Last, the latest full with -LastFull and the latest log with -LastLog' {
        (Get-ClusterDbBackupSet -Server $pair.VirtualServer -Last -CatalogPath $pair.CatalogPath).BackupSetId | Should -Be @($full.BackupSetId, $log1.BackupSetId, $log2.BackupSetId)
        (Get-ClusterDbBackupSet -Server $pair.VirtualServer -LastFull -CatalogPath $pair.CatalogPath).BackupSetId | Should -Be $full.BackupSetId
        (Get-ClusterDbBackupSet -Server $pair.VirtualServer -LastLog -CatalogPath $pair.CatalogPath).BackupSetId | Should -Be $log2.BackupSetId
        { Get-ClusterDbBackupSet -Last -LastLog -CatalogPath $pair.CatalogPath } | Should -Throw -ErrorId 'AmbiguousParameterSet,*'
    }

    It 'lists no differential with -LastDiff, and writes no error: PostgreSQL has none' {
        $diffErrors = $null
        $latest = @(Get-ClusterDbBackupSet -Server $pair.VirtualServer -LastDiff -CatalogPath $pair.CatalogPath -ErrorVariable diffErrors)
        $diffErrors | Should -BeNullOrEmpty
        $latest.Count | Should -Be 0
        { Get-ClusterDbBackupSet -LastDiff -LastFull -CatalogPath $pair.CatalogPath } | Should -Throw -ErrorId 'AmbiguousParameterSet,*'
    }

    It 'refuses a differential backup of the PostgreSQL database, naming it and why, and writes nothing' {
        $before = @(Get-ClusterDbBackupSet -Server $pair.VirtualServer -CatalogPath $pair.CatalogPath).Count
        $shareFiles = @(Get-ChildItem -LiteralPath $pair.Share -Recurse -File).Count
        $diffErrors = $null
        $sets = @(Start-ClusterDbBackup -Server $pair.VirtualServer -Database $pair.Database -BackupType Differential -Destination $pair.Share @common `
            -ErrorVariable diffErrors -ErrorAction SilentlyContinue)
        $sets.Count | Should -Be 0
        $diffErrors.Count | Should -Be 1
        $diffErrors[0].FullyQualifiedErrorId | Should -BeLike 'DifferentialBackupNotSupported,*' -Because $diffErrors[0].Exception.Message
        $diffErrors[0].CategoryInfo.Category | Should -Be 'InvalidOperation'
        $diffErrors[0].TargetObject | Should -Be $pair.Database
        $diffErrors[0].Exception.Message | Should -BeLike "*PostgreSQL has no native differential backup of '$($pair.Database)'*"
        @(Get-ClusterDbBackupSet -Server $pair.VirtualServer -CatalogPath $pair.CatalogPath).Count | Should -Be $before
        @(Get-ChildItem -LiteralPath $pair.Share -Recurse -File).Count | Should -Be $shareFiles
    }

    It 'verifies each backup set piped from Get-ClusterDbBackupSet, each once' {
        $results = Get-ClusterDbBackupSet -Server $pair.VirtualServer -Database $pair.Database -CatalogPath $pair.CatalogPath |
            Test-ClusterDbBackup @common -ErrorVariable verifyErrors
        $verifyErrors | Should -BeNullOrEmpty
        $results.BackupSetId | Should -Be @($full.BackupSetId, $log1.BackupSetId, $log2.BackupSetId)
        $results | ForEach-Object { $_.Verified | Should -BeTrue -Because ($_.Problems -join '; ') }
    }

    It 'tests a restore of the latest full backup with -Restore: the copy started, passed pg_amcheck and was removed' {
        $scratch = Join-Path $pair.Root 'restore-tests'
        $result = Get-ClusterDbBackupSet -Server $pair.VirtualServer -LastFull -CatalogPath $pair.CatalogPath |
            Test-ClusterDbBackup -Restore -ScratchPath $scratch @common -ErrorVariable restoreTestErrors
        $restoreTestErrors | Should -BeNullOrEmpty
        $result.BackupSetId | Should -Be $full.BackupSetId
        $result.Verified | Should -BeTrue -Because ($result.Problems -join '; ')
        $result.RestoreTest.Succeeded | Should -BeTrue
        $result.RestoreTest.CopyRemoved | Should -BeTrue
        $result.RestoreTest.ScratchPath | Should -BeLike "$scratch*"
        @(Get-ChildItem -LiteralPath $scratch -Force) | Should -HaveCount 0
    }

    It 'writes an error naming the backup set when a file on the share was damaged, and shows the result' {
        $manifest = ($full.Files | Where-Object Path -Like '*backup_manifest').Path
        $saved = [IO.File]::ReadAllBytes($manifest)
        try {
            Add-Content -LiteralPath $manifest -Value ' '
            $result = Test-ClusterDbBackup -BackupSetId $full.BackupSetId @common -ErrorVariable damaged -ErrorAction SilentlyContinue
            $result.Verified | Should -BeFalse
            $damaged | Should -HaveCount 1
            $damaged[0].CategoryInfo.Category | Should -Be 'InvalidData'
            "$($damaged[0].TargetObject)" | Should -Be "$($full.BackupSetId)"
            $damaged[0].Exception.Message | Should -BeLike "*$($full.BackupSetId)*backup_manifest*"
        }
        finally {
            [IO.File]::WriteAllBytes($manifest, $saved)
            Test-ClusterDbBackup -BackupSetId $full.BackupSetId @common -ErrorAction Stop | Out-Null
        }
    }

    It 'restores to a point in time after the failover: the copy holds exactly the rows committed before it' {
        $target = Join-Path $pair.Root 'restored'
        $restore = Restore-ClusterDbBackup -Server $pair.VirtualServer -Database $pair.Database -Target $target -PointInTime $pointInTime @common -ErrorVariable restoreErrors
        $restoreErrors | Should -BeNullOrEmpty
        $restore.FullBackupSetId | Should -Be $full.BackupSetId
        $restore.LogBackupCount | Should -Be 2
        $port = Start-TestRestoredServer $pair $target
        Invoke-TestPsql -Port $port -Database $pair.Database -Sql 'SELECT count(*) FROM orders' | Should -Be '5'
        Invoke-TestPsql -Port $port -Database $pair.Database -Sql 'SELECT max(id) FROM orders' | Should -Be '5'
    }
}

Describe 'Start-ClusterDbBackup with several databases' {
    It 'takes -SqlCredential as dbatools does' {
        (Get-Command Start-ClusterDbBackup).Parameters['Credential'].Aliases | Should -Contain 'SqlCredential'
    }

    It 'backs up the databases that exist and writes one error naming each that does not' {
        $sets = Start-ClusterDbBackup -Server $pair.VirtualServer -Database 'nosuchdb', $pair.Database -Type Full -Destination $pair.Share @common `
            -ErrorVariable errors -ErrorAction SilentlyContinue
        $sets | Should -HaveCount 1
        $sets.Database | Should -Be $pair.Database
        $sets.Node | Should -Be 'node2'
        $errors | Should -HaveCount 1
        $errors[0].CategoryInfo.Category | Should -Be 'ObjectNotFound'
        $errors[0].TargetObject | Should -Be 'nosuchdb'
        $errors[0].Exception.Message | Should -BeLike "*'nosuchdb' does not exist*"
    }

    It 'backs up each server of -Server on its own: an unknown one is one error naming it' {
        $sets = Start-ClusterDbBackup -Server 'nosuchvs', $pair.VirtualServer -Database $pair.Database -Type Full -Destination $pair.Share @common `
            -ErrorVariable errors -ErrorAction SilentlyContinue
        $sets.VirtualServer | Should -Be $pair.VirtualServer
        $errors | Should -HaveCount 1
        $errors[0].FullyQualifiedErrorId | Should -BeLike 'ServerNotFound,*'
        $errors[0].TargetObject | Should -Be 'nosuchvs'
    }

    It 'backs up every user database without -Database, less -ExcludeDatabase' {
        $sets = Start-ClusterDbBackup -Server $pair.VirtualServer -ExcludeDatabase $pair.Database -Type Full -Destination $pair.Share @common `
            -ErrorVariable errors -ErrorAction SilentlyContinue
        $errors | Should -HaveCount 1
        $errors[0].FullyQualifiedErrorId | Should -BeLike 'DatabaseNotFound,*'
        $errors[0].Exception.Message | Should -BeLike "*no user database to back up that is not excluded ($($pair.Database))*"
        $sets | Should -BeNullOrEmpty
    }

    It 'refuses a log backup of a database without a full backup by name, and takes the others' {
        $sets = Start-ClusterDbBackup -Server $pair.VirtualServer -Database $pair.Database, 'postgres' -Type Log -Destination $pair.Share @common `
            -ErrorVariable errors -ErrorAction SilentlyContinue
        $sets.Database | Should -Be $pair.Database
        $errors | Should -HaveCount 1
        $errors[0].TargetObject | Should -Be 'postgres'
        $errors[0].Exception.Message | Should -BeLike '*no full backup*'
    }
}
