@{
    RootModule        = 'TestHelpers.psm1'
    ModuleVersion     = '1.0.0'
    GUID              = '0d6f3c1e-2b8a-4f0e-9a7c-5e1d2c3b4a59'
    Description       = 'Fixtures for the ClusterBackup Pester suite: temporary folders, a PostgreSQL primary and streaming standby on loopback, a virtual tape library, the staged module on PSModulePath.'
    PowerShellVersion = '7.4'
    FunctionsToExport = @(
        'New-TestDirectory'
        'Remove-TestDirectory'
        'Get-TestFreePort'
        'Start-TestPostgreSqlPair'
        'Stop-TestPostgreSqlPair'
        'Invoke-TestPostgreSqlFailover'
        'Start-TestRestoredServer'
        'Invoke-TestPsql'
        'New-TestTapeLibrary'
        'Get-TestModuleManifest'
        'Install-TestModule'
        'Invoke-TestPwsh'
        'Get-TestPwshPath'
        'Get-TestCliPath'
    )
    CmdletsToExport   = @()
    VariablesToExport = @()
    AliasesToExport   = @()
}
