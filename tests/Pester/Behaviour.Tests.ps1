#Requires -Modules @{ ModuleName = 'Pester'; ModuleVersion = '5.0.0' }
# What a PowerShell user expects of every cmdlet: paths resolve against the current location, reading never
# creates a catalog, each item of a list or pipeline succeeds or fails on its own, an empty pipeline never
# means "everything", piped objects bind by the property that identifies them, and each bad input is an
# error record whose FullyQualifiedErrorId names the cause. The backups run against a real PostgreSQL
# primary and standby; the tape pipelines against a virtual tape library.

BeforeAll {
    Import-Module (Join-Path $PSScriptRoot 'TestHelpers/TestHelpers.psd1') -Force
    Import-Module (Get-TestModuleManifest) -Force
    $script:work = New-TestDirectory -Name behaviour
    $script:missing = Join-Path $work 'missing/catalog.db'
    $script:empty = Join-Path $work 'empty.db'
    New-Item -ItemType File -Path $empty | Out-Null

    # The default table view of objects at 80 columns: every line fits, nothing is cut off with an ellipsis.
    function Get-TableAt80($Objects) {
        $lines = @(($Objects | Format-Table | Out-String -Width 80) -split "`r?`n" | ForEach-Object TrimEnd | Where-Object { $_ })
        $lines | Where-Object Length -GT 80 | Should -BeNullOrEmpty
        $lines | Where-Object { $_.Contains([char] 0x2026) } | Should -BeNullOrEmpty
        $lines
    }

    # What tab completion offers at the end of a command line.
    function Get-Completion([string] $Line) {
        @((TabExpansion2 -inputScript $Line -cursorColumn $Line.Length).CompletionMatches.CompletionText)
    }

    # The non-terminating error records a command wrote (a terminating error escapes and fails the test).
    function Get-ErrorRecord([scriptblock] $Command) {
        $ErrorActionPreference = 'Continue'
        @(& $Command 2>&1 | Where-Object { $_ -is [Management.Automation.ErrorRecord] })
    }
}

AfterAll {
    Remove-TestDirectory $script:work
}

Describe 'Paths resolve the PowerShell way' {
    BeforeEach {
        $script:here = New-Item -ItemType Directory -Path (Join-Path $work "loc-$([guid]::NewGuid().ToString('N').Substring(0, 8))")
        Push-Location $here
    }
    AfterEach { Pop-Location }

    It 'puts a relative library and catalog under the current location, not the process working directory' {
        [Environment]::CurrentDirectory | Should -Not -Be $here.FullName
        $errors = $null
        New-TapeLibrary -Path vtl -Drives 2 -Slots 4 -ErrorVariable errors | Out-Null
        Add-TapeCartridge -Barcode VT0101 -CapacityBytes 8MB -LibraryPath vtl -CatalogPath cat/catalog.db -ErrorVariable +errors | Out-Null
        $errors | Should -BeNullOrEmpty
        Test-Path -LiteralPath (Join-Path $here 'vtl/library.json') | Should -BeTrue
        Test-Path -LiteralPath (Join-Path $here 'cat/catalog.db') | Should -BeTrue
        (Get-TapeCartridge -LibraryPath vtl -CatalogPath cat/catalog.db).Barcode | Should -Be 'VT0101'
    }

    It 'resolves a path on a PSDrive to its file-system root' {
        New-PSDrive -Name CBTEST -PSProvider FileSystem -Root $here.FullName | Out-Null
        try {
            $errors = $null
            New-TapeLibrary -Path 'CBTEST:\drive-vtl' -Drives 1 -Slots 2 -ErrorVariable errors | Out-Null
            $errors | Should -BeNullOrEmpty
            Test-Path -LiteralPath (Join-Path $here 'drive-vtl/library.json') | Should -BeTrue
        }
        finally { Remove-PSDrive CBTEST }
    }

    It 'expands ~ to the home folder' {
        $name = "cb-no-such-catalog-$([guid]::NewGuid().ToString('N')).db"
        $errors = Get-ErrorRecord { Get-TapeObject -CatalogPath "~/$name" }
        $errors.Count | Should -Be 1
        $errors[0].TargetObject | Should -Be (Join-Path $HOME $name)
        Test-Path -LiteralPath (Join-Path $HOME $name) | Should -BeFalse
    }

    It 'refuses a path on another provider than the file system' {
        Set-Location Env:
        { Get-TapeObject -CatalogPath catalog.db -ErrorAction Stop } | Should -Throw -ErrorId 'ParameterArgumentTransformationError,ClusterBackup.PowerShell.Tape.GetTapeObjectCommand'
    }
}

Describe 'Help shows default values' {
    It '-<Parameter> of <Command> defaults to <Default>' -TestCases @(
        @{ Command = 'Start-ClusterDbBackup'; Parameter = 'Type'; Default = 'Full' }
        @{ Command = 'Add-TapeCartridge'; Parameter = 'CapacityBytes'; Default = '1 GiB (1073741824 bytes)' }
        @{ Command = 'Get-TapeRetention'; Parameter = 'RequiredCopies'; Default = '2' }
        @{ Command = 'Backup-TapeBackupSet'; Parameter = 'Job'; Default = 'share-to-tape' }
        @{ Command = 'Get-ClusterDbBackupSet'; Parameter = 'CatalogPath'; Default = 'None' }
    ) {
        param($Command, $Parameter, $Default)
        (Get-Help $Command -Parameter $Parameter).defaultValue | Should -Be $Default
    }
}

Describe 'Reading never creates a catalog' {
    It '<Name> on a missing catalog is CatalogNotFound naming the path, and creates nothing' -TestCases @(
        @{ Name = 'Get-ClusterDbBackupSet'; Command = { Get-ClusterDbBackupSet -CatalogPath $missing } }
        @{ Name = 'Get-TapeObject'; Command = { Get-TapeObject -CatalogPath $missing } }
        @{ Name = 'Get-TapeCartridge'; Command = { Get-TapeCartridge -CatalogPath $missing -LibraryPath (Join-Path $work 'no-vtl') } }
        @{ Name = 'Get-TapeRetention'; Command = { Get-TapeRetention -RequiredCopies 2 -CatalogPath $missing } }
        @{ Name = 'Get-ChangedBlockGeneration'; Command = { Get-ChangedBlockGeneration -StorePath (Join-Path $work 'store') -CatalogPath $missing } }
        @{ Name = 'Test-ClusterDbBackup'; Command = { Test-ClusterDbBackup -BackupSetId ([guid]::NewGuid()) -CatalogPath $missing } }
    ) {
        param($Name, $Command)
        $errors = Get-ErrorRecord $Command
        $errors.Count | Should -Be 1
        $errors[0].FullyQualifiedErrorId | Should -BeLike 'CatalogNotFound,*'
        $errors[0].CategoryInfo.Category | Should -Be 'ObjectNotFound'
        $errors[0].TargetObject | Should -Be $missing
        $errors[0].Exception.Message | Should -BeLike "*$missing*"
        Test-Path -LiteralPath (Split-Path $missing) | Should -BeFalse
    }

    It '<Name> on an empty (0-byte) catalog is CatalogEmpty, and the file stays as it was' -TestCases @(
        @{ Name = 'Get-ClusterDbBackupSet'; Command = { Get-ClusterDbBackupSet -CatalogPath $empty } }
        @{ Name = 'Get-TapeObject'; Command = { Get-TapeObject -CatalogPath $empty } }
        @{ Name = 'Add-TapeCartridge (may create a catalog, not take an empty file for one)'; Command = { Add-TapeCartridge -Barcode VT0201 -LibraryPath (Join-Path $work 'no-vtl') -CatalogPath $empty } }
        @{ Name = 'Backup-ChangedBlock (may create a catalog, not take an empty file for one)'; Command = { Backup-ChangedBlock -Path $empty -StorePath (Join-Path $work 'store') -CatalogPath $empty } }
    ) {
        param($Name, $Command)
        $errors = Get-ErrorRecord $Command
        $errors.Count | Should -Be 1
        $errors[0].FullyQualifiedErrorId | Should -BeLike 'CatalogEmpty,*'
        $errors[0].CategoryInfo.Category | Should -Be 'InvalidData'
        $errors[0].TargetObject | Should -Be $empty
        (Get-Item -LiteralPath $empty).Length | Should -Be 0
    }

    It 'a file that is not a catalog is NotACatalog and is left alone' {
        $notCatalog = Join-Path $work 'notes.txt'
        Set-Content -LiteralPath $notCatalog -Value 'not a catalog'
        $errors = Get-ErrorRecord { Get-ClusterDbBackupSet -CatalogPath $notCatalog }
        $errors.Count | Should -Be 1
        $errors[0].FullyQualifiedErrorId | Should -BeLike 'NotACatalog,*'
        $errors[0].CategoryInfo.Category | Should -Be 'InvalidData'
        (Get-Content -LiteralPath $notCatalog) | Should -Be 'not a catalog'
    }
}

Describe 'Tape: per item, and an empty pipeline never means everything' {
    BeforeAll {
        $script:tape = New-TestTapeLibrary -Root (New-TestDirectory -Name behaviour-tape) -Barcode VT0001, VT0002
    }
    AfterAll { Remove-TestDirectory $tape.Root }

    It 'adds the good barcodes of a list and names the bad one in its own error' {
        $errors = $null
        $added = Add-TapeCartridge -Barcode VT0003, 'bad barcode!', VT0004 -CapacityBytes 8MB -LibraryPath $tape.LibraryPath -CatalogPath $tape.CatalogPath -ErrorVariable errors -ErrorAction SilentlyContinue
        @($added.Barcode) | Should -Be @('VT0003', 'VT0004')
        $errors.Count | Should -Be 1
        $errors[0].TargetObject | Should -Be 'bad barcode!'
    }

    It 'a failure that -ErrorAction Stop turns into an exception, and SilentlyContinue passes over' {
        $id = [guid]::NewGuid()
        $errors = Get-ErrorRecord { Test-TapeObject -ObjectId $id -LibraryPath $tape.LibraryPath -CatalogPath $tape.CatalogPath }
        $errors.Count | Should -Be 1
        $errors[0].FullyQualifiedErrorId | Should -BeLike 'TapeObjectNotFound,*'
        $errors[0].TargetObject | Should -Be $id
        { Test-TapeObject -ObjectId ([guid]::NewGuid()) -LibraryPath $tape.LibraryPath -CatalogPath $tape.CatalogPath -ErrorAction Stop } | Should -Throw
    }

    It 'Backup-TapeBackupSet writes nothing for an empty pipeline' {
        $errors = $null
        $written = @() | Backup-TapeBackupSet -ConfigurationPath (Join-Path $tape.Root 'agents.json') -LibraryPath $tape.LibraryPath -CatalogPath $tape.CatalogPath -ErrorVariable errors
        $written | Should -BeNullOrEmpty
        $errors | Should -BeNullOrEmpty
    }

    It 'Test-TapeObject reads nothing for an empty pipeline' {
        $errors = $null
        $read = @() | Test-TapeObject -LibraryPath $tape.LibraryPath -CatalogPath $tape.CatalogPath -ErrorVariable errors
        $read | Should -BeNullOrEmpty
        $errors | Should -BeNullOrEmpty
    }

    It 'completes -Barcode from the library and the catalog, and -Drive from the library' {
        Get-Completion "Get-TapeCartridge -LibraryPath '$($tape.LibraryPath)' -CatalogPath '$($tape.CatalogPath)' -Barcode VT000" |
            Should -Be @('VT0001', 'VT0002', 'VT0003', 'VT0004')
        Get-Completion "Mount-TapeCartridge -LibraryPath '$($tape.LibraryPath)' -CatalogPath '$($tape.CatalogPath)' -Barcode VT0001 -Drive " |
            Should -Be @('drive0', 'drive1', 'drive2', 'drive3')
    }

    It 'without input, everything needs its explicit switch' {
        $command = Get-Command Backup-TapeBackupSet
        $command.Parameters['BackupSetId'].ParameterSets['BackupSet'].IsMandatory | Should -BeTrue
        $command.Parameters['AllNotOnTape'].ParameterSets['AllNotOnTape'].IsMandatory | Should -BeTrue
        (Get-Command Test-TapeObject).Parameters['AllObjects'].ParameterSets['AllObjects'].IsMandatory | Should -BeTrue
    }
}

Describe 'Backups: per database, pipelines by identity, errors by cause' {
    BeforeAll {
        $script:pair = Start-TestPostgreSqlPair
        $script:common = @{ CatalogPath = $pair.CatalogPath; ConfigurationPath = $pair.ConfigurationPath }
        Invoke-TestPsql -Port $pair.PrimaryPort -Sql 'CREATE DATABASE otherdb' | Out-Null
    }
    AfterAll { Stop-TestPostgreSqlPair $script:pair }

    It 'a log backup before any full backup is LogBackupWithoutFull, naming the database' {
        $errors = Get-ErrorRecord { Start-ClusterDbBackup -Server $pair.VirtualServer -Database $pair.Database -Type Log -Destination $pair.Share @common }
        $errors.Count | Should -Be 1
        $errors[0].FullyQualifiedErrorId | Should -BeLike 'LogBackupWithoutFull,*' -Because $errors[0].Exception.Message
        $errors[0].CategoryInfo.Category | Should -Be 'InvalidOperation'
        $errors[0].TargetObject | Should -Be $pair.Database
    }

    It 'backs up each good database of -Database and names the missing one in its own error' {
        $errors = $null
        $sets = Start-ClusterDbBackup -Server $pair.VirtualServer -Database nosuchdb, $pair.Database, otherdb -Type Full -Initialize -Destination $pair.Share @common -ErrorVariable errors -ErrorAction SilentlyContinue
        @($sets.Database) | Should -Be @($pair.Database, 'otherdb')
        $errors.Count | Should -Be 1
        $errors[0].FullyQualifiedErrorId | Should -BeLike 'DatabaseNotFound,*'
        $errors[0].CategoryInfo.Category | Should -Be 'ObjectNotFound'
        $errors[0].TargetObject | Should -Be 'nosuchdb'
    }

    It 'Get-ClusterDbBackupSet | Test-ClusterDbBackup verifies each piped set, not the latest once per set' {
        $errors = $null
        Start-ClusterDbBackup -Server $pair.VirtualServer -Database $pair.Database -Type Log -Destination $pair.Share @common -ErrorVariable errors | Out-Null
        Start-ClusterDbBackup -Server $pair.VirtualServer -Database $pair.Database -Type Log -Destination $pair.Share @common -ErrorVariable +errors | Out-Null
        $sets = @(Get-ClusterDbBackupSet -Server $pair.VirtualServer -Database $pair.Database -CatalogPath $pair.CatalogPath)
        $sets.Count | Should -Be 3
        $checked = @($sets | Test-ClusterDbBackup @common -ErrorVariable +errors)
        $errors | Should -BeNullOrEmpty
        @($checked.BackupSetId) | Should -Be @($sets.BackupSetId)
        @($checked | Where-Object Verified).Count | Should -Be 3

        # The default views at 80 columns: sizes in units, durations rounded.
        $table = Get-TableAt80 $sets
        $table[0] | Should -Match 'Started\s+Server\s+Database\s+Type\s+Init\s+Size\s+Duration\s+Verified'
        $table | Select-Object -Skip 2 | ForEach-Object { $_ | Should -Match '\d(\.\d)? (B|KB|MB|GB|TB)\s+\d+(\.\d)?s|\d+m\d\ds|\d+h\d\dm' }
        ($table -join "`n") | Should -Not -Match '\d\d:\d\d:\d\d\.\d{3}'
        Get-TableAt80 $checked | Out-Null
    }

    It 'server and database bind by name from objects that are not backup sets' {
        $errors = $null
        $checked = @([pscustomobject]@{ VirtualServer = $pair.VirtualServer; Database = 'otherdb' } | Test-ClusterDbBackup @common -ErrorVariable errors)
        $errors | Should -BeNullOrEmpty
        $checked.Count | Should -Be 1
        $checked[0].Database | Should -Be 'otherdb'
    }

    It 'the piped backup sets go to tape, their objects verify and restore by ObjectId' {
        $library = New-TestTapeLibrary -Root (New-TestDirectory -Name behaviour-pipe) -Barcode VT0011, VT0012, VT0013, VT0014 -CatalogPath $pair.CatalogPath
        try {
            $agents = Join-Path $library.Root 'agents.json'
            New-TapeAgentConfiguration -Path $agents -LibraryPath $library.LibraryPath -Drive drive0 -MirrorDrive drive1 -Pool Daily -MirrorPool Offsite -BlockSize 65536 -CatalogPath $pair.CatalogPath | Out-Null
            $errors = $null
            $full = Get-ClusterDbBackupSet -Server $pair.VirtualServer -Database otherdb -CatalogPath $pair.CatalogPath
            $session = $full | Backup-TapeBackupSet -ConfigurationPath $agents -LibraryPath $library.LibraryPath -CatalogPath $pair.CatalogPath -Confirm:$false -ErrorVariable errors
            $errors | Should -BeNullOrEmpty
            $session.Objects | Should -BeGreaterThan 0
            $objects = @($full | Get-TapeObject -LibraryPath $library.LibraryPath -CatalogPath $pair.CatalogPath)
            $objects.Count | Should -Be $session.Objects
            @($objects.BackupSetId | Select-Object -Unique) | Should -Be @($full.BackupSetId)
            # Nothing else was written: the other database's sets are not on tape.
            @(Get-TapeObject -LibraryPath $library.LibraryPath -CatalogPath $pair.CatalogPath).Count | Should -Be $objects.Count

            Get-TableAt80 $objects | Out-Null
            Get-TableAt80 (Get-TapeCartridge -LibraryPath $library.LibraryPath -CatalogPath $pair.CatalogPath) | Out-Null
            $verified = @($objects | Test-TapeObject -LibraryPath $library.LibraryPath -CatalogPath $pair.CatalogPath -ErrorVariable +errors)
            @($verified.ObjectId | Sort-Object -Unique) | Should -Be @($objects.ObjectId | Sort-Object -Unique)

            Push-Location $library.Root
            try {
                $restored = @($objects[0] | Restore-TapeObject -Destination restored -LibraryPath $library.LibraryPath -CatalogPath $pair.CatalogPath -Confirm:$false -ErrorVariable +errors)
            }
            finally { Pop-Location }
            $errors | Should -BeNullOrEmpty
            @($restored.ObjectId) | Should -Be @($objects[0].ObjectId)
            $restored[0].Path | Should -BeLike (Join-Path $library.Root 'restored*')
            Test-Path -LiteralPath $restored[0].Path | Should -BeTrue

            Get-Completion "Get-TapeCartridge -CatalogPath '$($pair.CatalogPath)' -Pool " | Should -Be @('Daily', 'Offsite')

            # -AllNotOnTape writes the rest (the other database's sets), and a second run finds nothing left.
            $rest = Backup-TapeBackupSet -AllNotOnTape -ConfigurationPath $agents -LibraryPath $library.LibraryPath -CatalogPath $pair.CatalogPath -Confirm:$false -ErrorVariable +errors
            $errors | Should -BeNullOrEmpty
            $others = @(Get-ClusterDbBackupSet -Server $pair.VirtualServer -Database $pair.Database -CatalogPath $pair.CatalogPath)
            $rest.Objects | Should -Be (($others | ForEach-Object { $_.Files.Count }) | Measure-Object -Sum).Sum
            (Backup-TapeBackupSet -AllNotOnTape -ConfigurationPath $agents -LibraryPath $library.LibraryPath -CatalogPath $pair.CatalogPath -Confirm:$false).Objects | Should -Be 0

            # Get-TapeCartridge -Pool Offsite | Export-TapeCartridge: exactly the mirror cartridges leave the library.
            $offsite = @(Get-TapeCartridge -Pool Offsite -LibraryPath $library.LibraryPath -CatalogPath $pair.CatalogPath)
            $offsite.Count | Should -BeGreaterThan 0
            $exported = @($offsite | Export-TapeCartridge -LibraryPath $library.LibraryPath -CatalogPath $pair.CatalogPath -Confirm:$false -ErrorVariable +errors)
            $errors | Should -BeNullOrEmpty
            @($exported.Barcode) | Should -Be @($offsite.Barcode)
            @($exported | Where-Object Location -NE 'Export').Count | Should -Be 0
        }
        finally { Remove-TestDirectory $library.Root }
    }

    It 'a log backup of each database with a full backup, taking server and database from the piped sets' {
        $errors = $null
        $logs = @(Get-ClusterDbBackupSet -Server $pair.VirtualServer -Type Full -CatalogPath $pair.CatalogPath |
                Sort-Object VirtualServer, Database -Unique |
                Start-ClusterDbBackup -Type Log -Destination $pair.Share @common -ErrorVariable errors)
        $errors | Should -BeNullOrEmpty
        @($logs.Database | Sort-Object) | Should -Be @($pair.Database, 'otherdb' | Sort-Object)
        @($logs | Where-Object Type -NE 'Log').Count | Should -Be 0
    }

    It 'a job piped from Get-ClusterBackupSchedule runs by its schedule path and name' {
        Push-Location $pair.Root
        try {
            New-ClusterBackupSchedule -Path weekly.json -TimeZone UTC -Cluster $pair.Cluster -Server $pair.VirtualServer `
                -Database $pair.Database -Share $pair.Share -ErrorAction Stop | Out-Null
            $errors = $null
            $jobs = @(Get-ClusterBackupSchedule -Path weekly.json -Job log-no-init)
            $jobs.Count | Should -Be 1
            $jobs[0].SchedulePath | Should -Be (Join-Path $pair.Root 'weekly.json')
            $runs = @($jobs | Start-ClusterBackupJob -CatalogPath $pair.CatalogPath -ErrorVariable errors)
        }
        finally { Pop-Location }
        $errors | Should -BeNullOrEmpty
        $runs.Count | Should -Be 1
        $runs[0].Job | Should -Be 'log-no-init'
        "$($runs[0].Status)" | Should -Be 'Succeeded'
    }

    It 'completes -Server, -Cluster and -Database from the configuration and the catalog, with relative paths' {
        Push-Location $pair.Root
        try {
            Get-Completion 'Start-ClusterDbBackup -CatalogPath catalog.db -ConfigurationPath clusterbackup.json -Server ' | Should -Be @($pair.VirtualServer)
            Get-Completion 'Start-ClusterDbBackup -CatalogPath catalog.db -ConfigurationPath clusterbackup.json -Cluster ' | Should -Be @($pair.Cluster)
            Get-Completion "Get-ClusterDbBackupSet -CatalogPath catalog.db -Server $($pair.VirtualServer) -Database " | Should -Be @($pair.Database, 'otherdb' | Sort-Object)
            Get-Completion 'Get-ClusterDbBackupSet -CatalogPath catalog.db -Database oth' | Should -Be @('otherdb')
            Get-Completion 'Start-ClusterBackupJob -Schedule weekly.json -Job log-' | Should -Be @('log-no-init', 'log-with-init')
        }
        finally { Pop-Location }
    }

    It 'offers nothing, creates nothing and writes no error when the catalog is missing' {
        $Error.Clear()
        Get-Completion "Get-ClusterDbBackupSet -CatalogPath '$missing' -Database " | Should -BeNullOrEmpty
        Test-Path -LiteralPath (Split-Path $missing) | Should -BeFalse
        $Error.Count | Should -Be 0
    }

    It '<Name> is <ErrorId> (<Category>) with the object at fault as target' -TestCases @(
        @{ Name = 'an unknown server'; ErrorId = 'ServerNotFound'; Category = 'ObjectNotFound'; Target = 'nosuch'
           Command = { Start-ClusterDbBackup -Server nosuch -Database appdb -Destination $pair.Share @common } }
        @{ Name = 'an unknown cluster'; ErrorId = 'ClusterNotFound'; Category = 'ObjectNotFound'; Target = 'nocluster'
           Command = { Start-ClusterDbBackup -Cluster nocluster -Database appdb -Destination $pair.Share @common } }
        @{ Name = 'a share that is not there'; ErrorId = 'ShareUnreachable'; Category = 'ResourceUnavailable'; Target = { Join-Path $work 'no-share' }
           Command = { Start-ClusterDbBackup -Server $pair.VirtualServer -Database $pair.Database -Destination (Join-Path $work 'no-share') @common } }
        @{ Name = 'a missing configuration file'; ErrorId = 'ConfigurationNotFound'; Category = 'ObjectNotFound'; Target = { Join-Path $work 'none.json' }
           Command = { Start-ClusterDbBackup -Server $pair.VirtualServer -Database $pair.Database -Destination $pair.Share -CatalogPath $pair.CatalogPath -ConfigurationPath (Join-Path $work 'none.json') } }
        @{ Name = 'an unknown backup set'; ErrorId = 'BackupSetNotFound'; Category = 'ObjectNotFound'; Target = '00000000-0000-0000-0000-000000000001'
           Command = { Test-ClusterDbBackup -BackupSetId '00000000-0000-0000-0000-000000000001' -CatalogPath $pair.CatalogPath } }
        @{ Name = 'a restore of a database never backed up'; ErrorId = 'FullBackupNotFound'; Category = 'ObjectNotFound'; Target = 'neverdb'
           Command = { Restore-ClusterDbBackup -Server $pair.VirtualServer -Database neverdb -Target (Join-Path $work 'r') -CatalogPath $pair.CatalogPath -Confirm:$false } }
    ) {
        param($Name, $ErrorId, $Category, $Target, $Command)
        $errors = Get-ErrorRecord $Command
        $errors.Count | Should -Be 1
        $errors[0].FullyQualifiedErrorId | Should -BeLike "$ErrorId,*" -Because $errors[0].Exception.Message
        $errors[0].CategoryInfo.Category | Should -Be $Category
        if ($Target -is [scriptblock]) { $Target = & $Target }
        "$($errors[0].TargetObject)" | Should -Be $Target
    }
}
