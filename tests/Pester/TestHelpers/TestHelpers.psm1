# Fixtures for the Pester suite, the PowerShell side of the xunit fixtures
# (tests/ClusterBackup.Engine.Tests/PostgreSql/PostgreSqlPair.cs, Media/TapeTestKit.cs): each test file
# starts what it needs in BeforeAll and stops it in AfterAll, also when a test failed.
#
#   BeforeAll {
#       Import-Module (Join-Path $PSScriptRoot 'TestHelpers/TestHelpers.psd1') -Force
#       Import-Module (Get-TestModuleManifest) -Force
#       $pair = Start-TestPostgreSqlPair
#   }
#   AfterAll { Stop-TestPostgreSqlPair $pair }

Set-StrictMode -Version Latest

# The installed server's binaries: pg_config --bindir, else the newest /usr/lib/postgresql/N/bin.
$script:PostgreSqlBin = & {
    $pgConfig = Get-Command pg_config -CommandType Application -ErrorAction Ignore | Select-Object -First 1
    if ($pgConfig) {
        $bindir = (& $pgConfig.Source --bindir) -join ''
        if ($LASTEXITCODE -eq 0 -and (Test-Path -LiteralPath (Join-Path $bindir 'initdb'))) { return $bindir.Trim() }
    }
    Get-ChildItem -Path '/usr/lib/postgresql' -Directory -ErrorAction Ignore |
        Where-Object { $_.Name -as [decimal] -and (Test-Path -LiteralPath (Join-Path $_.FullName 'bin/initdb')) } |
        Sort-Object { [decimal]$_.Name } -Descending | Select-Object -First 1 | ForEach-Object { Join-Path $_.FullName 'bin' }
}
if (-not $script:PostgreSqlBin) { $script:PostgreSqlBin = '/usr/lib/postgresql/(none found)/bin' }
$script:ServerUser = 'postgres'

function Get-TestModuleManifest {
    <# The ClusterBackup.psd1 under test: the staged module (CLUSTERBACKUP_MODULE, set by the build), else the repository's. #>
    if ($env:CLUSTERBACKUP_MODULE) { return $env:CLUSTERBACKUP_MODULE }
    Join-Path $PSScriptRoot '../../../ClusterBackup.psd1'
}

function Get-TestCliPath {
    <# The clusterbackup CLI the build made (CLUSTERBACKUP_CLI, else the Release build output). #>
    if ($env:CLUSTERBACKUP_CLI) { return $env:CLUSTERBACKUP_CLI }
    $name = if ($IsWindows) { 'clusterbackup.exe' } else { 'clusterbackup' }
    Join-Path $PSScriptRoot "../../../src/ClusterBackup.Cli/bin/Release/net8.0/$name"
}

function New-TestDirectory {
    <# A new empty folder under the temp folder, readable by the postgres user; returns its path. #>
    param([string] $Name = 'work')
    $path = Join-Path ([IO.Path]::GetTempPath()) "cb-pester-$Name-$([guid]::NewGuid().ToString('N').Substring(0, 12))"
    New-Item -ItemType Directory -Path $path | Out-Null
    if ($IsLinux -or $IsMacOS) { chmod 755 $path }
    $path
}

function Remove-TestDirectory {
    param([Parameter(ValueFromPipeline)] [string] $Path)
    process {
        if ($Path -and (Test-Path -LiteralPath $Path)) { Remove-Item -LiteralPath $Path -Recurse -Force -ErrorAction SilentlyContinue }
    }
}

function Get-TestFreePort {
    <# A TCP port on loopback that nothing listens on now. #>
    $listener = [Net.Sockets.TcpListener]::new([Net.IPAddress]::Loopback, 0)
    try {
        $listener.Start()
        $listener.LocalEndpoint.Port
    }
    finally {
        $listener.Stop()
    }
}

function Invoke-AsServerUser {
    # initdb refuses root: the servers run as the postgres user.
    param([string] $Tool, [string[]] $Arguments)
    $file = Join-Path $script:PostgreSqlBin $Tool
    if (-not (Test-Path -LiteralPath $file)) { throw "PostgreSQL server binaries not found in $script:PostgreSqlBin (apt-get install postgresql)." }
    $output = if ((id -u) -eq '0') { & runuser -u $script:ServerUser -- $file @Arguments 2>&1 } else { & $file @Arguments 2>&1 }
    if ($LASTEXITCODE -ne 0) { throw "$Tool $($Arguments -join ' ') failed ($LASTEXITCODE): $($output -join "`n")" }
}

function Invoke-TestPsql {
    <# Runs SQL on a test server; returns psql's unaligned, tuples-only output lines. #>
    param(
        [Parameter(Mandatory)] [int] $Port,
        [Parameter(Mandatory)] [string] $Sql,
        [string] $Database = 'postgres'
    )
    $output = & (Join-Path $script:PostgreSqlBin 'psql') -X -q -At -v ON_ERROR_STOP=1 -h 127.0.0.1 -p $Port -U postgres -d $Database -c $Sql 2>&1
    if ($LASTEXITCODE -ne 0) { throw "psql on port $Port failed ($LASTEXITCODE): $($output -join "`n")" }
    $output
}

function Wait-TestCondition {
    param([scriptblock] $Condition, [string] $What, [int] $Seconds = 60)
    $deadline = [DateTime]::UtcNow.AddSeconds($Seconds)
    while ($true) {
        try { if (& $Condition) { return } } catch { }
        if ([DateTime]::UtcNow -gt $deadline) { throw "Timed out waiting for $What." }
        Start-Sleep -Milliseconds 100
    }
}

function Start-TestServer {
    param($Pair, [string] $DataDirectory)
    Invoke-AsServerUser pg_ctl @('-D', $DataDirectory, '-l', "$DataDirectory.log", '-w', '-t', '60', 'start')
    $Pair.Running.Add($DataDirectory)
}

function Stop-TestServer {
    param($Pair, [string] $DataDirectory)
    Invoke-AsServerUser pg_ctl @('-D', $DataDirectory, '-m', 'fast', '-w', 'stop')
    [void] $Pair.Running.Remove($DataDirectory)
}

function Start-TestPostgreSqlPair {
    <#
    .SYNOPSIS
        A real PostgreSQL primary and streaming standby on loopback: free ports, a private folder, both
        archiving into one WAL archive, a Static topology (cluster pgclu, virtual server pgvs owned by
        node1, or the -VirtualServer name) and a ClusterBackup configuration that name them, a share folder
        and a catalog path. Stop it with Stop-TestPostgreSqlPair.
    #>
    param([string] $Database = 'appdb', [string] $VirtualServer = 'pgvs')
    $root = New-TestDirectory -Name pgpair
    $pair = [pscustomobject]@{
        Root              = $root
        Cluster           = 'pgclu'
        VirtualServer     = $VirtualServer
        Database          = $Database
        PrimaryPort       = Get-TestFreePort
        StandbyPort       = 0
        PrimaryData       = Join-Path $root 'node1'
        StandbyData       = Join-Path $root 'node2'
        Sockets           = Join-Path $root 'sock'
        Archive           = Join-Path $root 'wal-archive'
        Share             = Join-Path $root 'share'
        ConfigurationPath = Join-Path $root 'clusterbackup.json'
        TopologyPath      = Join-Path $root 'topology.json'
        CatalogPath       = Join-Path $root 'catalog.db'
        Running           = [Collections.Generic.List[string]]::new()
    }
    do { $pair.StandbyPort = Get-TestFreePort } while ($pair.StandbyPort -eq $pair.PrimaryPort)
    New-Item -ItemType Directory -Path $pair.Sockets, $pair.Archive, $pair.Share | Out-Null
    if ((id -u) -eq '0') { chown -R $script:ServerUser $root }
    try {
        Invoke-AsServerUser initdb @('-D', $pair.PrimaryData, '-A', 'trust', '-U', 'postgres', '--no-sync')
        Add-Content -LiteralPath (Join-Path $pair.PrimaryData 'postgresql.conf') -Value @"

port = $($pair.PrimaryPort)
listen_addresses = '127.0.0.1'
unix_socket_directories = '$($pair.Sockets)'
wal_level = replica
archive_mode = on
archive_command = 'test -f $($pair.Archive)/%f || (cp %p $($pair.Archive)/%f.tmp && mv $($pair.Archive)/%f.tmp $($pair.Archive)/%f)'
max_wal_senders = 10
hot_standby = on
fsync = off
shared_buffers = 16MB
"@
        Start-TestServer $pair $pair.PrimaryData
        Invoke-TestPsql -Port $pair.PrimaryPort -Sql "CREATE DATABASE $Database" | Out-Null
        Invoke-AsServerUser pg_basebackup @('-h', '127.0.0.1', '-p', $pair.PrimaryPort, '-U', 'postgres', '-D', $pair.StandbyData, '-R', '-X', 'stream', '-c', 'fast')
        Add-Content -LiteralPath (Join-Path $pair.StandbyData 'postgresql.auto.conf') -Value "port = $($pair.StandbyPort)"
        Start-TestServer $pair $pair.StandbyData
        Wait-TestCondition { (Invoke-TestPsql -Port $pair.PrimaryPort -Sql "SELECT count(*) FROM pg_stat_replication WHERE state = 'streaming'") -eq '1' } 'the standby to stream'
        @{
            version = 1
            cluster = $pair.Cluster
            nodes   = @(
                @{ name = 'node1'; address = "127.0.0.1:$($pair.PrimaryPort)"; state = 'Online' }
                @{ name = 'node2'; address = "127.0.0.1:$($pair.StandbyPort)"; state = 'Online' }
            )
            groups  = @(@{ name = $pair.VirtualServer; owner = 'node1'; state = 'Online' })
        } | ConvertTo-Json -Depth 5 | Set-Content -LiteralPath $pair.TopologyPath
        @{
            version  = 1
            clusters = @(@{ name = $pair.Cluster; provider = 'Static'; settings = @{ topologyFile = 'topology.json' } })
            servers  = @(@{
                    name = $pair.VirtualServer; cluster = $pair.Cluster; engine = 'PostgreSql'
                    settings = @{ walArchive = 'wal-archive'; toolDirectory = $script:PostgreSqlBin; archiveWaitSeconds = 30 }
                })
        } | ConvertTo-Json -Depth 5 | Set-Content -LiteralPath $pair.ConfigurationPath
    }
    catch {
        Stop-TestPostgreSqlPair $pair
        throw
    }
    $pair
}

function Invoke-TestPostgreSqlFailover {
    <# A planned failover: the primary stops (its last WAL reaches the standby), the standby is promoted. #>
    param([Parameter(Mandatory)] $Pair)
    Stop-TestServer $Pair $Pair.PrimaryData
    Invoke-AsServerUser pg_ctl @('-D', $Pair.StandbyData, '-w', 'promote')
    Wait-TestCondition { (Invoke-TestPsql -Port $Pair.StandbyPort -Sql 'SELECT pg_is_in_recovery()') -eq 'f' } 'the standby to leave recovery'
}

function Start-TestRestoredServer {
    <#
    .SYNOPSIS
        Starts a restored PostgreSQL data directory on a free loopback port (as the postgres user, which then owns it);
        Stop-TestPostgreSqlPair stops it with the pair. Returns the port.
    #>
    param([Parameter(Mandatory)] $Pair, [Parameter(Mandatory)] [string] $DataDirectory)
    if ((id -u) -eq '0') { chown -R $script:ServerUser $DataDirectory }
    $port = Get-TestFreePort
    Invoke-AsServerUser pg_ctl @('-D', $DataDirectory, '-l', "$DataDirectory.log", '-w', '-t', '120', '-o',
        "-c port=$port -c listen_addresses='127.0.0.1' -c unix_socket_directories='$($Pair.Sockets)' -c archive_mode=off", 'start')
    $Pair.Running.Add($DataDirectory)
    $port
}

function Stop-TestPostgreSqlPair {
    <# Stops every server of the pair and removes its folder. #>
    param([Parameter(Position = 0)] $Pair)
    if (-not $Pair) { return }
    foreach ($data in @($Pair.Running)) {
        try { Invoke-AsServerUser pg_ctl @('-D', $data, '-m', 'immediate', '-w', 'stop') } catch { }
    }
    $Pair.Running.Clear()
    Remove-TestDirectory $Pair.Root
}

function New-TestTapeLibrary {
    <#
    .SYNOPSIS
        A virtual tape library (through the module's own cmdlets) with drives and blank cartridges in
        slots, in a folder of its own; returns its paths and barcodes. Needs ClusterBackup imported.
    #>
    param(
        [string] $Root = (New-TestDirectory -Name tape),
        [int] $Drives = 4,
        [int] $Slots = 16,
        [string[]] $Barcode = @('VT0001', 'VT0002', 'VT0003', 'VT0004'),
        [long] $CapacityBytes = 64MB,
        [string] $CatalogPath = (Join-Path $Root 'catalog.db')
    )
    $library = Join-Path $Root 'vtl'
    New-TapeLibrary -Path $library -Drives $Drives -Slots $Slots -CatalogPath $CatalogPath -ErrorAction Stop | Out-Null
    Add-TapeCartridge -Barcode $Barcode -CapacityBytes $CapacityBytes -LibraryPath $library -CatalogPath $CatalogPath -ErrorAction Stop | Out-Null
    [pscustomobject]@{ Root = $Root; LibraryPath = $library; CatalogPath = $CatalogPath; Barcode = $Barcode }
}

function Install-TestModule {
    <#
    .SYNOPSIS
        Copies the staged module folder (…/ClusterBackup/<version>/) into <Destination>/ClusterBackup/<version>/,
        the layout of a module installed in a folder on PSModulePath; returns <Destination>.
    #>
    param([Parameter(Mandatory)] [string] $Destination)
    $staged = Split-Path -Parent (Get-TestModuleManifest)
    $version = Split-Path -Leaf $staged
    $target = Join-Path $Destination "ClusterBackup/$version"
    New-Item -ItemType Directory -Path $target -Force | Out-Null
    Copy-Item -Path (Join-Path $staged '*') -Destination $target -Recurse -Force
    $Destination
}

function Get-TestPwshPath {
    <# The pwsh running this suite (as a .NET tool the process itself is dotnet; pwsh is in $PSHOME). #>
    foreach ($name in 'pwsh', 'pwsh.exe') {
        $path = Join-Path $PSHOME $name
        if (Test-Path -LiteralPath $path -PathType Leaf) { return $path }
    }
    throw "No pwsh executable in $PSHOME."
}

function Invoke-TestPwsh {
    <#
    .SYNOPSIS
        Runs a script in a new pwsh process (assemblies never unload, so each load order needs its own
        process); returns its output lines and exit code. -Environment adds variables for that process.
    #>
    param(
        [Parameter(Mandatory)] [string] $Command,
        [hashtable] $Environment = @{}
    )
    $pwsh = Get-TestPwshPath
    $start = [Diagnostics.ProcessStartInfo]::new($pwsh)
    foreach ($argument in '-NoProfile', '-NonInteractive', '-Command', $Command) { $start.ArgumentList.Add($argument) }
    $start.RedirectStandardOutput = $true
    $start.RedirectStandardError = $true
    $start.UseShellExecute = $false
    foreach ($key in $Environment.Keys) { $start.Environment[$key] = [string] $Environment[$key] }
    $process = [Diagnostics.Process]::Start($start)
    $stdout = $process.StandardOutput.ReadToEndAsync()
    $stderr = $process.StandardError.ReadToEndAsync()
    $process.WaitForExit()
    [pscustomobject]@{
        ExitCode = $process.ExitCode
        Output   = $stdout.Result
        Error    = $stderr.Result
    }
}
