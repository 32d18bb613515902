@{
    RootModule           = 'ClusterBackup.PowerShell.dll'
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
        'ClusterBackup.Digests.Format.ps1xml'
    )
    TypesToProcess       = @(
        'ClusterBackup.Types.ps1xml'
    )
    CmdletsToExport      = @(
        'Get-ClusterDbBackupSet'
        'Compare-BlockDigest'
        'Export-BlockDigest'
        'Backup-ChangedBlock'
        'Restore-ChangedBlock'
        'Get-ChangedBlockGeneration'
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
