#Requires -Modules @{ ModuleName = 'Pester'; ModuleVersion = '5.0.0' }
# ClusterBackup in one session with a module that carries other versions of its libraries
# (Microsoft.Data.SqlClient 5.2.2, Microsoft.Data.Sqlite 9.0.10 with SQLitePCLRaw 2.1.x, Newtonsoft.Json
# 12.0.3), imported in both orders: both modules work. The other module is built here from
# Isolation/OtherDataModule; each order runs in a new pwsh process, because assemblies never unload.

BeforeAll {
    Import-Module (Join-Path $PSScriptRoot 'TestHelpers/TestHelpers.psd1') -Force
    $script:manifest = Get-TestModuleManifest
    Import-Module $script:manifest -Force
    $script:work = New-TestDirectory -Name isolation

    # The other module, published for this platform as such modules ship: everything flat beside it.
    $rid = [Runtime.InteropServices.RuntimeInformation]::RuntimeIdentifier
    $script:other = Join-Path $script:work 'OtherDataModule'
    $build = & dotnet publish (Join-Path $PSScriptRoot 'Isolation/OtherDataModule/OtherDataModule.csproj') -c Release -r $rid -o $script:other -nologo -clp:ErrorsOnly 2>&1
    if ($LASTEXITCODE -ne 0) { throw "Building OtherDataModule failed: $($build -join "`n")" }
    Copy-Item (Join-Path $PSScriptRoot 'Isolation/OtherDataModule/OtherDataModule.psd1') $script:other
    $script:otherManifest = Join-Path $script:other 'OtherDataModule.psd1'

    # A catalog with a real backup set in it: a full backup of a PostgreSQL primary on loopback.
    $script:pair = Start-TestPostgreSqlPair
    $script:backup = Start-ClusterDbBackup -Server $pair.VirtualServer -Database $pair.Database -Type Full -Initialize `
        -Destination $pair.Share -CatalogPath $pair.CatalogPath -ConfigurationPath $pair.ConfigurationPath -ErrorAction Stop

    # A SQL Server whose data source is a loopback port where nothing listens.
    $sql = Join-Path $script:work 'sqlserver'
    New-Item -ItemType Directory -Path $sql, (Join-Path $sql 'share') | Out-Null
    @{ version = 1; cluster = 'sqlclu'; nodes = @(@{ name = 'sqlnode1'; address = '127.0.0.1'; state = 'Online' }); groups = @(@{ name = 'sqlvs'; owner = 'sqlnode1'; state = 'Online' }) } |
        ConvertTo-Json -Depth 5 | Set-Content (Join-Path $sql 'topology.json')
    @{
        version  = 1
        clusters = @(@{ name = 'sqlclu'; provider = 'Static'; settings = @{ topologyFile = 'topology.json' } })
        servers  = @(@{ name = 'sqlvs'; cluster = 'sqlclu'; engine = 'SqlServer'; settings = @{ dataSource = "127.0.0.1,$(Get-TestFreePort)"; connectTimeoutSeconds = 2 } })
    } | ConvertTo-Json -Depth 5 | Set-Content (Join-Path $sql 'clusterbackup.json')
    $script:sqlConfig = Join-Path $sql 'clusterbackup.json'
    $script:sqlShare = Join-Path $sql 'share'

    function Invoke-BothModules([string[]] $Import) {
        $script = Join-Path $PSScriptRoot 'Isolation/Use-BothModules.ps1'
        $quoted = ($Import | ForEach-Object { "'$_'" }) -join ','
        $run = Invoke-TestPwsh -Command "& '$script' -Import $quoted -CatalogPath '$($pair.CatalogPath)' -SqlServerConfigurationPath '$sqlConfig' -Share '$sqlShare'"
        if ($run.ExitCode -ne 0) { throw "pwsh exited $($run.ExitCode): $($run.Error)$($run.Output)" }
        $run.Output | ConvertFrom-Json
    }
}

AfterAll {
    Stop-TestPostgreSqlPair $script:pair
    Remove-TestDirectory $script:work
}

Describe 'ClusterBackup beside a module with other versions of its libraries' -ForEach @(
    @{ Order = 'the other module first'; First = 'other' }
    @{ Order = 'ClusterBackup first'; First = 'ClusterBackup' }
) {
    BeforeAll {
        $modules = if ($First -eq 'other') { $otherManifest, $manifest } else { $manifest, $otherManifest }
        $script:result = Invoke-BothModules $modules
    }

    It 'the other module works (<Order>)' {
        $result.Other.SqliteVersion | Should -Match '^3\.\d+\.\d+$'
        $result.Other.SqliteAssembly | Should -BeLike '9.0.*'
        $result.Other.SqlClientVersion | Should -BeLike '5.*'
        $result.Other.Json | Should -Be '{"DataSource":"127.0.0.1,1","Database":"master"}'
    }

    It 'ClusterBackup opens its catalog and reads the backup set (<Order>)' {
        $result.ReadErrors | Should -BeNullOrEmpty
        $result.BackupSets.BackupSetId | Should -Be @("$($backup.BackupSetId)")
        $result.BackupSets[0].Database | Should -Be 'appdb'
        $result.BackupSets[0].Type | Should -Be 'Full'
    }

    It 'ClusterBackup reaches SQL Server through its own Microsoft.Data.SqlClient (<Order>)' {
        # A connection error from the client's TCP provider, not a missing method, a load failure or
        # the PlatformNotSupportedException of the package's reference stub.
        $result.SqlServerError.Count | Should -Be 1
        $result.SqlServerError[0].Category | Should -Be 'ConnectionError'
        $result.SqlServerError[0].Inner | Should -Be 'Microsoft.Data.SqlClient.SqlException'
        $result.SqlServerError[0].Message | Should -Match 'sqlvs'
    }

    It 'each module has its own copy of each library (<Order>)' {
        $mine = $result.Assemblies | Where-Object Context -EQ 'ClusterBackup'
        $theirs = $result.Assemblies | Where-Object Context -EQ 'Default'
        ($mine | Where-Object Name -EQ 'ClusterBackup.Engine').Location | Should -BeLike '*/dependencies/ClusterBackup.Engine.dll'
        ($mine | Where-Object Name -EQ 'Microsoft.Data.SqlClient').Version | Should -BeLike '7.*'
        ($mine | Where-Object Name -EQ 'Microsoft.Data.SqlClient').Location | Should -BeLike '*/dependencies/runtimes/unix/lib/net8.0/Microsoft.Data.SqlClient.dll'
        ($mine | Where-Object Name -EQ 'Microsoft.Data.Sqlite').Version | Should -BeLike '10.0.*'
        ($mine | Where-Object Name -EQ 'SQLitePCLRaw.core').Version | Should -BeLike '3.*'
        ($mine | Where-Object Name -EQ 'Newtonsoft.Json').Location | Should -BeLike '*/dependencies/Newtonsoft.Json.dll'
        ($theirs | Where-Object Name -EQ 'Microsoft.Data.SqlClient').Version | Should -BeLike '5.*'
        ($theirs | Where-Object Name -EQ 'Microsoft.Data.Sqlite').Version | Should -BeLike '9.0.*'
        ($theirs | Where-Object Name -EQ 'SQLitePCLRaw.core').Version | Should -BeLike '2.1.*'
        # The cmdlets and the loader are the module's only assemblies in the default context.
        ($theirs | Where-Object Name -Like 'ClusterBackup*').Name | Sort-Object | Should -Be @('ClusterBackup.PowerShell', 'ClusterBackup.PowerShell.Loader')
    }
}
