#Requires -Modules @{ ModuleName = 'Pester'; ModuleVersion = '5.0.0' }
# Every example of the module's help, read from the MAML the staged module ships (en-US/*-Help.xml), run as written
# in a prepared estate: a real PostgreSQL primary and standby (virtual server PGVS1 of cluster pgclu, database appdb)
# with backups on the share, a virtual tape library (vtl) with the backups on tape and a mirror, a media-agent
# configuration (agents.json), a schedule (weekly.json) and disk images with block digests, all in one folder that is
# the current location, with CLUSTERBACKUP_CATALOG, CLUSTERBACKUP_CONFIG and CLUSTERBACKUP_TAPE_LIBRARY set as an
# admin's profile would set them. Each run asserts that no error was written and that the example did what its remarks
# say. An example that cannot run here is listed below with the reason; an example neither run nor listed fails, so a
# new example cannot go untested.

BeforeDiscovery {
    Import-Module (Join-Path $PSScriptRoot 'TestHelpers/TestHelpers.psd1') -Force
    $helpFile = Join-Path (Split-Path -Parent (Get-TestModuleManifest)) 'en-US/ClusterBackup.PowerShell.dll-Help.xml'
    if (-not (Test-Path -LiteralPath $helpFile)) { $helpFile = Join-Path $PSScriptRoot '../../module/en-US/ClusterBackup.PowerShell.dll-Help.xml' }

    # The examples that cannot run on this machine, and why. Each reason names what is missing here.
    $notHere = @{
        'Backup-ChangedBlock #1'             = 'reads /xfs/pgdata, a file system that clones (XFS with reflink); the folders here are on ext4, which cannot (example #2 is the form for such a file system)'
        'Compare-BlockDigest #1'             = 'needs a digest endpoint (clusterbackup digest serve) on the host backup01'
        'Get-ClusterDbGroup #1'              = 'needs a Windows failover cluster (WSFC) with the SQL Server role SQLVS1'
        'Get-ClusterDbGroup #2'              = 'needs a Pacemaker cluster whose crm_mon runs here; Cluster.Tests.ps1 reads recorded crm_mon output'
        'Get-ClusterDbNode #1'               = 'needs ssh to a Pacemaker node named node1'
        'Get-ClusterDbNode #2'               = 'needs a Windows failover cluster (WSFC) and WMI on NODE1'
        'New-ClusterBackupSchedule #1'       = 'a Windows path (C:\ClusterBackup) and share (\\BACKUPSRV); example #2 is the same on Linux'
        'Register-ClusterBackupSchedule #1'  = 'the Windows Task Scheduler and a Windows path; example #2 is the same for systemd'
        'Restore-ClusterDbBackup #2'         = 'a point in time of the past, before the first backup of this estate; PostgreSqlBackup.Tests.ps1 restores to a point in time between two log backups'
        'Start-ClusterDbBackup #1'           = 'needs a clustered SQL Server instance (SQLVS1) and the share \\backupsrv\sql; example #2 is the same for PostgreSQL'
        'Get-ClusterDbBackupSet #3'          = 'lists SQL Server differential backups of SALES on SQLVS1; PostgreSQL has no differential backups'
        'Start-ClusterDbBackup #3'           = 'a SQL Server differential backup (SQLVS1); PostgreSQL refuses differentials, which PostgreSqlBackup.Tests.ps1 asserts'
        'Initialize-ClusterBackupShare #1'   = 'writes the share marker into the host''s /mnt/backup; Backup.Tests.ps1 initializes a private share with the cmdlet'
        'Initialize-ClusterBackupShare #2'   = 'replaces the marker of the host''s /mnt/backup; Backup.Tests.ps1 initializes a private share with the cmdlet'
        'Unregister-ClusterBackupSchedule #1' = 'removes the host''s systemd timers under /etc/systemd/system; ScheduledTasks.Tests.ps1 registers and removes them in a private unit folder'
    }

    [xml] $maml = Get-Content -LiteralPath $helpFile -Raw
    $ns = [Xml.XmlNamespaceManager]::new($maml.NameTable)
    $ns.AddNamespace('command', 'http://schemas.microsoft.com/maml/dev/command/2004/10')
    $ns.AddNamespace('maml', 'http://schemas.microsoft.com/maml/2004/10')
    $ns.AddNamespace('dev', 'http://schemas.microsoft.com/maml/dev/2004/10')
    $examples = foreach ($command in $maml.SelectNodes('//command:command', $ns)) {
        $name = $command.SelectSingleNode('command:details/command:name', $ns).InnerText.Trim()
        $number = 0
        foreach ($example in $command.SelectNodes('command:examples/command:example', $ns)) {
            $number++
            $key = "$name #$number"
            @{
                Key     = $key
                Code    = $example.SelectSingleNode('dev:code', $ns).InnerText.Trim()
                Remarks = (@($example.SelectNodes('dev:remarks/maml:para', $ns) | ForEach-Object InnerText) -join ' ').Trim()
                NotHere = $notHere[$key]
            }
        }
    }
    $listedKeys = @($notHere.Keys)

    # The examples share one estate and run in the help's order, except these: the estate checks and the verifications
    # first, while the estate is as the fixture made it (healthy, few backup sets), and the new full backups last, then the
    # retention they make possible.
    $runFirst = 'Invoke-ClusterBackupEstateCheck #1', 'Invoke-ClusterBackupEstateCheck #2', 'Get-ClusterDbBackupSet #2', 'Test-ClusterDbBackup #1', 'Test-ClusterDbBackup #2'
    $runLast = 'Get-ClusterBackupSchedule #2', 'Start-ClusterDbBackup #2', 'Get-TapeRetention #1'
    $examples = @($examples | Where-Object Key -In $runFirst | Sort-Object { [array]::IndexOf($runFirst, $_.Key) }) +
        @($examples | Where-Object { $_.Key -notin $runFirst -and $_.Key -notin $runLast }) +
        @($examples | Where-Object Key -In $runLast | Sort-Object { [array]::IndexOf($runLast, $_.Key) })
}

BeforeAll {
    Import-Module (Join-Path $PSScriptRoot 'TestHelpers/TestHelpers.psd1') -Force
    Import-Module (Get-TestModuleManifest) -Force
    $script:manifest = (Resolve-Path -LiteralPath (Get-TestModuleManifest)).ProviderPath
    $script:pesterManifest = Join-Path (Get-Module Pester | Sort-Object Version -Descending | Select-Object -First 1).ModuleBase 'Pester.psd1'
    $script:variables = 'CLUSTERBACKUP_CATALOG', 'CLUSTERBACKUP_CONFIG', 'CLUSTERBACKUP_TAPE_LIBRARY'
    $script:savedVariables = @{}
    foreach ($name in $variables) { $savedVariables[$name] = [Environment]::GetEnvironmentVariable($name) }

    # The estate. Everything an example names by a relative path is in $root, the current location of each run.
    $script:pair = Start-TestPostgreSqlPair -VirtualServer PGVS1 -Database appdb
    $script:root = $pair.Root
    $script:library = Join-Path $root 'vtl'
    $env:CLUSTERBACKUP_CATALOG = $pair.CatalogPath
    $env:CLUSTERBACKUP_CONFIG = $pair.ConfigurationPath
    $env:CLUSTERBACKUP_TAPE_LIBRARY = $library
    function script:Add-Order([int] $From, [int] $To) {
        Invoke-TestPsql -Port $script:pair.PrimaryPort -Database appdb -Sql "INSERT INTO orders SELECT generate_series($From, $To)" | Out-Null
    }
    function script:Get-OrderCount([int] $Port = $script:pair.PrimaryPort) {
        [int] (Invoke-TestPsql -Port $Port -Database appdb -Sql 'SELECT count(*) FROM orders')
    }
    Invoke-TestPsql -Port $pair.PrimaryPort -Database appdb -Sql 'CREATE TABLE orders (id int PRIMARY KEY)' | Out-Null
    Add-Order 1 100
    Start-ClusterDbBackup -Server PGVS1 -Database appdb -Initialize -Verify -Destination $pair.Share -ErrorAction Stop | Out-Null
    Add-Order 101 200
    Start-ClusterDbBackup -Server PGVS1 -Database appdb -Type Log -Verify -Destination $pair.Share -ErrorAction Stop | Out-Null
    New-ClusterBackupSchedule -Path (Join-Path $root 'weekly.json') -TimeZone UTC -Cluster $pair.Cluster -Server PGVS1 -Database appdb -Share $pair.Share -ErrorAction Stop | Out-Null
    # Blank cartridges enough for every example's pool (Daily, Offsite, Vault); VT0005 is left for Initialize-TapeCartridge.
    New-TestTapeLibrary -Root $root -Drives 4 -Slots 24 -Barcode (@(1..4) + @(6..14) | ForEach-Object { 'VT{0:D4}' -f $_ }) -CapacityBytes 64MB -CatalogPath $pair.CatalogPath | Out-Null
    $script:agents = Join-Path $root 'agents.json'
    New-TapeAgentConfiguration -Path $agents -LibraryPath $library -Drive drive0 -MirrorDrive drive1 -Pool Daily -MirrorPool Offsite -BlockSize 262144 -ErrorAction Stop | Out-Null
    Get-ClusterDbBackupSet -Server PGVS1 | Backup-TapeBackupSet -ConfigurationPath $agents -Verify -Confirm:$false -ErrorAction Stop | Out-Null

    # Disk images: two that differ in block 10, and one with three changed-block generations.
    $bytes = [byte[]]::new(1MB + 17)
    [Random]::new(1).NextBytes($bytes)
    [IO.File]::WriteAllBytes((Join-Path $root 'primary.img'), $bytes)
    $bytes[4096 * 10] = $bytes[4096 * 10] -bxor 1
    [IO.File]::WriteAllBytes((Join-Path $root 'copy.img'), $bytes)
    $script:generationHash = @{}
    foreach ($generation in 1..3) {
        $bytes[8192 * $generation] = $bytes[8192 * $generation] -bxor 0xFF
        [IO.File]::WriteAllBytes((Join-Path $root 'base.img'), $bytes)
        Backup-ChangedBlock -Path (Join-Path $root 'base.img') -StorePath (Join-Path $root 'base.img.blocks') -BlockSize 8192 -AllowInconsistentCopy -ErrorAction Stop | Out-Null
        $generationHash[$generation] = (Get-FileHash -LiteralPath (Join-Path $root 'base.img')).Hash
    }

    function script:Enter-NewFolder {
        # A fresh current location for an example that creates what the estate already has.
        param([string] $Name)
        $folder = Join-Path $script:root "$Name-$([guid]::NewGuid().ToString('N').Substring(0, 8))"
        New-Item -ItemType Directory -Path $folder | Out-Null
        Set-Location -LiteralPath $folder
        $folder
    }
    function script:Use-NewLibrary {
        # A library and catalog of their own, in a fresh folder, for an example that moves cartridges in or out.
        param([string] $Name, [string[]] $Barcode = @())
        $folder = Enter-NewFolder $Name
        $env:CLUSTERBACKUP_CATALOG = Join-Path $folder 'catalog.db'
        $env:CLUSTERBACKUP_TAPE_LIBRARY = Join-Path $folder 'vtl'
        New-TapeLibrary -Path vtl -Drives 2 -Slots 8 -ErrorAction Stop | Out-Null
        if ($Barcode) { Add-TapeCartridge -Barcode $Barcode -CapacityBytes 64MB -ErrorAction Stop | Out-Null }
    }
    function script:Invoke-ExampleProcess {
        # Runs an example in a new pwsh, as a scheduled task or a CI step does: for one that ends with exit, or that runs
        # Pester itself (Pester does not nest). The process inherits the estate's variables and starts in the current location.
        param([string] $Code)
        $preamble = "`$ErrorActionPreference = 'Continue'; Import-Module '$script:pesterManifest'; Import-Module '$script:manifest'; Set-Location -LiteralPath '$((Get-Location).ProviderPath)'`n"
        Invoke-TestPwsh -Command ($preamble + $Code)
    }

    # How each example that runs here is prepared (Setup, in the example's current location) and checked (Check, given
    # what the example wrote to the pipeline, or for an example run in its own process (Process) its exit code and output).
    $script:cases = @{
        'Add-TapeCartridge #1'              = @{
            Setup = { Use-NewLibrary add }
            Check = {
                param($Output)
                $cartridges = @(Get-TapeCartridge | Where-Object Barcode -In VT0001, VT0002)
                @($cartridges.Barcode) | Should -Be @('VT0001', 'VT0002')
                $cartridges | ForEach-Object { $_.CapacityBytes | Should -Be 10GB; $_.Location | Should -Be 'Slot' }
            }
        }
        'Backup-ChangedBlock #2'            = @{
            Check = {
                param($Output)
                $Output.Generation | Should -Be 4
                (Get-ChangedBlockGeneration -StorePath base.img.blocks | Select-Object -Last 1).Generation | Should -Be 4
            }
        }
        'Backup-TapeBackupSet #1'           = @{
            Setup = {
                Add-Order 201 210
                $script:notOnTape = Start-ClusterDbBackup -Server PGVS1 -Database appdb -Type Log -Verify -Destination $pair.Share -ErrorAction Stop
            }
            Check = {
                param($Output)
                # The sets already on tape are not written again.
                $Output.Objects | Should -Be @($notOnTape.Files).Count
                @(Get-TapeObject -BackupSetId $notOnTape.BackupSetId).Count | Should -Be $Output.Objects
                $Output.Copies | Should -Be (2 * $Output.Objects)
                $Output.VerifiedCopies | Should -Be $Output.Copies
            }
        }
        'Backup-TapeBackupSet #2'           = @{
            Setup = {
                Add-Order 211 220
                $script:notOnTape = Start-ClusterDbBackup -Server PGVS1 -Database appdb -Type Log -Verify -Destination $pair.Share -ErrorAction Stop
            }
            Check = {
                param($Output)
                $Output.Objects | Should -Be @($notOnTape.Files).Count
                @(Get-TapeObject -BackupSetId $notOnTape.BackupSetId).Count | Should -Be $Output.Objects
                (Backup-TapeBackupSet -AllNotOnTape -ConfigurationPath agents.json).Objects | Should -Be 0
            }
        }
        'Compare-BlockDigest #2'            = @{
            Check = {
                param($Output)
                @($Output) | Should -HaveCount 1
                $Output.FirstBlock | Should -Be 10
            }
        }
        'Copy-TapeObject #1'                = @{
            Check = { param($Output) $Output | Should -Not -BeNullOrEmpty }
        }
        'Copy-TapeObject #2'                = @{
            Setup = { Get-TapeObject -Barcode VT0003 | Should -Not -BeNullOrEmpty -Because 'Copy-TapeObject #1 packed the fixture''s first tapes onto VT0003' }
            Check = { param($Output) $Output | Should -Not -BeNullOrEmpty }
        }
        'Dismount-TapeCartridge #1'         = @{
            Setup = { Mount-TapeCartridge -Barcode VT0001 -Drive drive0 -ErrorAction Stop | Out-Null }
            Check = {
                param($Output)
                (Get-TapeDrive | Where-Object Name -EQ drive0).Barcode | Should -BeNullOrEmpty
                (Get-TapeCartridge -Barcode VT0001).Location | Should -Be 'Slot'
            }
        }
        'Export-BlockDigest #1'             = @{
            Check = {
                param($Output)
                Test-Path -LiteralPath base.cbdigest | Should -BeTrue
                (Compare-BlockDigest -Path base.img -DigestFile base.cbdigest).Identical | Should -BeTrue
            }
        }
        'Export-ClusterBackupSchedule #1'   = @{
            Check = {
                param($Output)
                @($Output).Count | Should -Be 4
                $Output | ForEach-Object { ([xml](Get-Content -LiteralPath $_.Path -Raw)).Task.version | Should -Be '1.2' }
                @(Get-ChildItem tasks -Filter *.xml).Count | Should -Be 4
            }
        }
        'Export-TapeCartridge #1'           = @{
            Setup = {
                Use-NewLibrary export -Barcode VT0101, VT0102
                Initialize-TapeCartridge -Barcode VT0101 -Pool Offsite -ErrorAction Stop | Out-Null
                Initialize-TapeCartridge -Barcode VT0102 -Pool Daily -ErrorAction Stop | Out-Null
            }
            Check = {
                param($Output)
                @($Output.Barcode) | Should -Be @('VT0101')
                $Output.Location | Should -Be 'Exported'
                (Get-TapeCartridge -Barcode VT0101).Location | Should -Be 'Exported'
                Test-Path -LiteralPath vtl/export/VT0101.tap | Should -BeTrue
                (Get-TapeCartridge -Barcode VT0102).Location | Should -Be 'Slot'
            }
        }
        'Get-ChangedBlockGeneration #1'     = @{
            Check = {
                param($Output)
                (Get-FileHash -LiteralPath restored.img).Hash | Should -Be (Get-FileHash -LiteralPath base.img).Hash
            }
        }
        'Get-ClusterBackupCatalog #1'       = @{
            Check = {
                param($Output)
                @($Output) | Should -HaveCount 1
                $Output.Path | Should -Be ([IO.Path]::GetFullPath($env:CLUSTERBACKUP_CATALOG))
                $Output.SchemaVersion | Should -BeGreaterThan 0
            }
        }
        'Get-ClusterBackupJobHistory #1'    = @{
            Setup = { Start-ClusterBackupJob -Schedule weekly.json -Job log-no-init -ErrorAction Stop | Out-Null }
            Check = {
                param($Output)
                @($Output) | Should -HaveCount 1
                $Output.Job | Should -Be 'log-no-init'
                $Output.Status | Should -Be 'Succeeded'
            }
        }
        'Get-ClusterBackupSchedule #1'      = @{
            Check = {
                param($Output)
                @($Output.Name) | Should -Be @('full-with-init', 'full-no-init', 'log-with-init', 'log-no-init', 'share-to-tape')
            }
        }
        'Get-ClusterBackupSchedule #2'      = @{
            Check = {
                param($Output)
                @($Output.Job) | Should -Be @('full-with-init', 'full-no-init')
                $Output | ForEach-Object { $_.Status | Should -Be 'Succeeded'; $_.ExitCode | Should -Be 0 }
            }
        }
        'Get-ClusterDbBackupSet #1'         = @{
            Check = {
                param($Output)
                @($Output).Count | Should -BeGreaterThan 0
                $Output | ForEach-Object { $_.Type | Should -Be 'Log'; $_.Database | Should -Be 'appdb'; $_.Started | Should -BeGreaterThan (Get-Date).AddDays(-1) }
            }
        }
        'Get-ClusterDbBackupSet #2'         = @{
            Check = {
                param($Output)
                @($Output.BackupSetId) | Should -Be @((Get-ClusterDbBackupSet -Server PGVS1 -Last).BackupSetId)
                $Output | ForEach-Object { $_.Verified | Should -BeTrue }
            }
        }
        'Get-TapeCartridge #1'              = @{
            Check = {
                param($Output)
                @($Output).Count | Should -BeGreaterThan 0
                $Output | ForEach-Object { $_.Pool | Should -Be 'Daily' }
            }
        }
        'Get-TapeDrive #1'                  = @{
            Check = { param($Output) @($Output.Name) | Should -Be @('drive0', 'drive1', 'drive2', 'drive3') }
        }
        'Get-TapeObject #1'                 = @{
            Check = {
                param($Output)
                @($Output).Count | Should -BeGreaterThan 0
                @($Output.ObjectId) | ForEach-Object { $_ | Should -BeIn @((Get-TapeObject).ObjectId) }
            }
        }
        'Get-TapeRetention #1'              = @{
            # Run after the new full backups, which superseded the older media sets; every set on tape and every copy read back.
            Setup = {
                Backup-TapeBackupSet -AllNotOnTape -ConfigurationPath agents.json -ErrorAction Stop | Out-Null
                Test-TapeObject -AllObjects -ErrorAction Stop | Out-Null
            }
            Check = {
                param($Output)
                @($Output).Count | Should -BeGreaterThan 0
                $Output | ForEach-Object { $_.SafeToRetire | Should -BeTrue }
            }
        }
        'Import-TapeCartridge #1'           = @{
            Setup = {
                # A cartridge exported earlier, back from the vault and dropped in the import station.
                Use-NewLibrary import -Barcode VT0099
                Get-TapeCartridge -Barcode VT0099 | Export-TapeCartridge -ErrorAction Stop | Out-Null
                Move-Item -LiteralPath vtl/export/VT0099.tap -Destination vtl/import/VT0099.tap
            }
            Check = {
                param($Output)
                $Output.Barcode | Should -Be 'VT0099'
                (Get-TapeCartridge -Barcode VT0099).Location | Should -Be 'Slot'
            }
        }
        'Initialize-TapeCartridge #1'       = @{
            Setup = { Add-TapeCartridge -Barcode VT0005 -CapacityBytes 64MB -ErrorAction Stop | Out-Null }
            Check = {
                param($Output)
                $Output.Pool | Should -Be 'Daily'
                $Output.BlockSize | Should -Be 262144
                (Get-TapeCartridge -Barcode VT0005).Pool | Should -Be 'Daily'
            }
        }
        'Invoke-ClusterBackupEstateCheck #1' = @{
            Process = $true
            Check   = {
                param($Run)
                $Run.Error | Should -BeNullOrEmpty
                $Run.ExitCode | Should -Be 0
                $junit = [xml](Get-Content -LiteralPath estate.xml -Raw)
                [int] $junit.testsuites.tests | Should -BeGreaterThan 0
                [int] $junit.testsuites.failures | Should -Be 0 -Because ($Run.Output -replace '\x1b\[[0-9;]*m')
            }
        }
        'Invoke-ClusterBackupEstateCheck #2' = @{
            Process = $true
            Check   = {
                param($Run)
                $Run.Error | Should -BeNullOrEmpty
                $Run.ExitCode | Should -Be 0
                $Run.Output.Trim() | Should -BeNullOrEmpty -Because 'nothing failed on a healthy estate'
            }
        }
        'Mount-TapeCartridge #1'            = @{
            Check   = {
                param($Output)
                (Get-TapeDrive | Where-Object Name -EQ drive0).Barcode | Should -Be 'VT0001'
            }
            Cleanup = { Dismount-TapeCartridge -Drive drive0 -ErrorAction Stop | Out-Null }
        }
        'New-ClusterBackupCatalog #1'       = @{
            Check = {
                param($Output)
                $Output.Path | Should -Be (Join-Path (Get-Location).ProviderPath 'new-catalog.db')
                $Output.SchemaVersion | Should -Be (Get-ClusterBackupCatalog).SchemaVersion
                Test-Path -LiteralPath new-catalog.db | Should -BeTrue
            }
        }
        'New-ClusterBackupDigestKey #1'     = @{
            Check = {
                param($Output)
                $Output.Path | Should -Be (Join-Path (Get-Location).ProviderPath 'digest.key')
                $Output.Fingerprint | Should -Match '^[0-9a-f]{16}$'
                [Convert]::FromBase64String((Get-Content -LiteralPath digest.key -Raw).Trim()).Length | Should -Be 32
            }
        }
        'New-ClusterBackupSchedule #2'      = @{
            Setup = { Enter-NewFolder schedule | Out-Null }
            Check = {
                param($Output)
                $Output.TimeZone | Should -Be 'America/New_York'
                $jobs = @(Get-ClusterBackupSchedule -Path weekly.json -Job full*)
                $jobs | Should -Not -BeNullOrEmpty
                $file = Get-Content -LiteralPath weekly.json -Raw | ConvertFrom-Json
                $file | ConvertTo-Json -Depth 10 | Should -Match 'PGVS1'
                $file | ConvertTo-Json -Depth 10 | Should -Match '/mnt/backup'
            }
        }
        'New-TapeAgentConfiguration #1'     = @{
            Setup = {
                $folder = Enter-NewFolder agents
                $env:CLUSTERBACKUP_CATALOG = Join-Path $folder 'catalog.db'
                New-TapeLibrary -Path vtl -Drives 4 -Slots 8 -ErrorAction Stop | Out-Null
            }
            Check = {
                param($Output)
                $Output.Valid | Should -BeTrue
                $Output.MirrorLevels | Should -Be 1
                (Test-TapeAgentConfiguration -Path agents.json -LibraryPath vtl).Valid | Should -BeTrue
            }
        }
        'New-TapeLibrary #1'                = @{
            Setup = {
                $folder = Enter-NewFolder library
                $env:CLUSTERBACKUP_CATALOG = Join-Path $folder 'catalog.db'
            }
            Check = {
                param($Output)
                @($Output.Name) | Should -Be @('drive0', 'drive1', 'drive2', 'drive3')
                Test-Path -LiteralPath vtl/library.json | Should -BeTrue
            }
        }
        'Register-ClusterBackupSchedule #2' = @{
            Check = { param($Output) $Output | Should -BeNullOrEmpty }
        }
        'Restore-ChangedBlock #1'           = @{
            Check = { param($Output) (Get-FileHash -LiteralPath base-3.img).Hash | Should -Be $generationHash[3] }
        }
        'Restore-ClusterDbBackup #1'        = @{
            Check = {
                param($Output)
                $expected = Get-OrderCount
                if ((id -u) -eq '0') { chown postgres restore }
                $port = Start-TestRestoredServer -Pair $pair -DataDirectory (Join-Path $pwd 'restore/appdb')
                Get-OrderCount -Port $port | Should -Be $expected
            }
        }
        'Restore-TapeObject #1'             = @{
            Setup = { Backup-TapeBackupSet -AllNotOnTape -ConfigurationPath agents.json -ErrorAction Stop | Out-Null }
            Check = {
                param($Output)
                $set = Get-ClusterDbBackupSet -Server PGVS1 -Database appdb -LastFull
                @($Output).Count | Should -Be @($set.Files).Count
                foreach ($file in $set.Files) {
                    $restored = @(Get-ChildItem -LiteralPath restore -Recurse -File | Where-Object Name -EQ (Split-Path -Leaf $file.Path))
                    $restored | Should -HaveCount 1
                    (Get-FileHash -LiteralPath $restored[0].FullName -Algorithm SHA256).Hash | Should -Be $file.Sha256
                }
            }
        }
        'Show-ClusterBackupWeek #1'         = @{
            Check = {
                param($Output)
                $Output | Should -Match 'no conflicts'
                Get-Content -LiteralPath week.html -Raw | Should -Match '<svg'
            }
        }
        'Start-ClusterBackupJob #1'         = @{
            Process = $true
            Check   = {
                param($Run)
                $Run.Error | Should -BeNullOrEmpty
                $Run.ExitCode | Should -Be 0
                (Get-ClusterBackupJobHistory -Schedule weekly.json -Job log-no-init -Last 1).Status | Should -Be 'Succeeded'
            }
        }
        'Start-ClusterDbBackup #2'          = @{
            Check = {
                param($Output)
                $Output.Type | Should -Be 'Full'
                $Output.Initialize | Should -BeTrue
                $Output.Verified | Should -BeTrue
                $Output.Files | ForEach-Object { $_.Path | Should -BeLike "$($pair.Share)*" }
            }
        }
        'Start-ClusterDbBackup #4'          = @{
            Check = {
                param($Output)
                @($Output) | Should -HaveCount 1
                $Output.Type | Should -Be 'Log'
                $Output.Database | Should -Be 'appdb'
            }
        }
        'Test-ClusterBackupSchedule #1'     = @{
            Check = { param($Output) $Output | Should -BeNullOrEmpty -Because 'the weekly template has no conflicts' }
        }
        'Test-ClusterDbBackup #1'           = @{
            Check = {
                param($Output)
                @($Output.BackupSetId) | Should -Be @((Get-ClusterDbBackupSet -Server PGVS1 -Database appdb).BackupSetId)
                $Output | ForEach-Object { $_.Verified | Should -BeTrue }
            }
        }
        'Test-ClusterDbBackup #2'           = @{
            Check = {
                param($Output)
                @($Output) | Should -HaveCount 1
                $Output.Verified | Should -BeTrue
                @(Get-ChildItem -LiteralPath restore-tests -Force -ErrorAction Ignore) | Should -BeNullOrEmpty -Because 'the restored copy is removed'
            }
        }
        'Test-TapeAgentConfiguration #1'    = @{
            Setup = {
                Enter-NewFolder agents-test | Out-Null
                Set-Content -LiteralPath agents.json -Value '{ "formatVersion": 1, "agents": [ { "name": "A1", "drive": "tape9", "buffers": [ { "name": "B", "objects": "*" } ] } ] }'
            }
            Check = {
                param($Output)
                @($Output) | Should -Not -BeNullOrEmpty
                ($Output.Message -join ' ') | Should -Match 'tape9'
            }
        }
        'Test-TapeObject #1'                = @{
            Check = { param($Output) $Output | Should -Not -BeNullOrEmpty }
        }
        'Test-TapeObject #2'                = @{
            Check = { param($Output) $Output | Should -Not -BeNullOrEmpty }
        }
    }
}

AfterAll {
    foreach ($name in $script:variables) { [Environment]::SetEnvironmentVariable($name, $script:savedVariables[$name]) }
    Stop-TestPostgreSqlPair $script:pair
}

Describe 'The help examples, read from the MAML' {
    It 'every example is run or listed with the reason it cannot run here' -ForEach @{ Examples = $examples; ListedKeys = $listedKeys } {
        $missing = @($Examples | Where-Object { -not $_.NotHere -and -not $cases.ContainsKey($_.Key) } | ForEach-Object Key)
        $missing | Should -BeNullOrEmpty -Because 'a new example needs a case in HelpExamples.Tests.ps1, or a reason it cannot run here'
        $stale = @(@($cases.Keys) + $ListedKeys | Where-Object { $_ -notin $Examples.Key })
        $stale | Should -BeNullOrEmpty -Because 'each case and each reason names an example of the help'
        @($ListedKeys | Where-Object { $cases.ContainsKey($_) }) | Should -BeNullOrEmpty -Because 'an example is either run or listed'
    }

    It '<Key>: <Code>' -ForEach $examples {
        if ($NotHere) { Set-ItResult -Skipped -Because "it cannot run here: $NotHere"; return }
        $case = $cases[$Key]
        $case | Should -Not -BeNullOrEmpty -Because "$Key needs a case or a reason it cannot run here"
        $saved = @{}
        foreach ($name in $variables) { $saved[$name] = [Environment]::GetEnvironmentVariable($name) }
        # An unattended run: -Confirm prompts answered yes, as the cmdlets' own tests do with -Confirm:$false.
        $ConfirmPreference = 'None'
        Push-Location -LiteralPath $root
        try {
            if ($case.Setup) { . $case.Setup }
            if ($case.Process) {
                $run = Invoke-ExampleProcess -Code $Code
                & $case.Check $run
            }
            else {
                $example = [scriptblock]::Create($Code)
                $Error.Clear()
                $output = @(& $example)
                $written = @($Error)
                $written | Should -BeNullOrEmpty -Because "the example '$Code' writes no error"
                & $case.Check $output
            }
            if ($case.Cleanup) { . $case.Cleanup }
        }
        finally {
            Pop-Location
            foreach ($name in $variables) { [Environment]::SetEnvironmentVariable($name, $saved[$name]) }
        }
    }
}
