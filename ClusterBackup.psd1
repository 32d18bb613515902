@{
    RootModule           = 'ClusterBackup.PowerShell.dll'
    # Imported before the root module: it loads ClusterBackup.Engine and its dependencies from
    # dependencies/ into the module's own AssemblyLoadContext, apart from other modules' versions.
    NestedModules        = @('ClusterBackup.PowerShell.Loader.dll')
    ModuleVersion        = '0.1.0'
    GUID                 = '6f0b8a52-3c1e-4d7a-9a51-2f4c8e0d7b13'
    Author               = 'ClusterBackup'
    CompanyName          = 'ClusterBackup'
    Copyright            = '(c) ClusterBackup. All rights reserved.'
    Description          = 'Backs up clustered SQL Server and PostgreSQL databases to a backup share and on to tape, on a schedule that never overlaps, aware of cluster failover, verifiable block by block.'
    PowerShellVersion    = '7.4'
    CompatiblePSEditions = @('Core')
    FormatsToProcess     = @(
        'ClusterBackup.Format.ps1xml'
        'ClusterBackup.Backup.Format.ps1xml'
        'ClusterBackup.Cluster.Format.ps1xml'
        'ClusterBackup.Digest.Format.ps1xml'
        'ClusterBackup.Schedule.Format.ps1xml'
        'ClusterBackup.Tape.Format.ps1xml'
    )
    TypesToProcess       = @(
        'ClusterBackup.Types.ps1xml'
    )
    CmdletsToExport      = @(
        'Add-TapeCartridge'
        'Backup-ChangedBlock'
        'Backup-TapeBackupSet'
        'Compare-BlockDigest'
        'Copy-TapeObject'
        'Dismount-TapeCartridge'
        'Export-BlockDigest'
        'Export-ClusterBackupSchedule'
        'Export-TapeCartridge'
        'Get-ChangedBlockGeneration'
        'Get-ClusterBackupCatalog'
        'Get-ClusterBackupJobHistory'
        'Get-ClusterBackupSchedule'
        'Get-ClusterDbBackupSet'
        'Get-ClusterDbGroup'
        'Get-ClusterDbNode'
        'Get-TapeCartridge'
        'Get-TapeDrive'
        'Get-TapeObject'
        'Get-TapeRetention'
        'Import-TapeCartridge'
        'Initialize-ClusterBackupShare'
        'Initialize-TapeCartridge'
        'Invoke-ClusterBackupEstateCheck'
        'Mount-TapeCartridge'
        'New-ClusterBackupCatalog'
        'New-ClusterBackupDigestKey'
        'New-ClusterBackupSchedule'
        'New-TapeAgentConfiguration'
        'New-TapeLibrary'
        'Register-ClusterBackupSchedule'
        'Restore-ChangedBlock'
        'Restore-ClusterDbBackup'
        'Restore-TapeObject'
        'Show-ClusterBackupWeek'
        'Start-ClusterBackupJob'
        'Start-ClusterDbBackup'
        'Test-ClusterBackupSchedule'
        'Test-ClusterDbBackup'
        'Test-TapeAgentConfiguration'
        'Test-TapeObject'
        'Unregister-ClusterBackupSchedule'
    )
    FunctionsToExport    = @()
    VariablesToExport    = @()
    AliasesToExport      = @()
    PrivateData          = @{
        PSData = @{
            Tags       = @('Backup', 'SQLServer', 'PostgreSQL', 'Cluster', 'WSFC', 'Pacemaker', 'Tape')
            ProjectUri = ''
        }
    }
}
