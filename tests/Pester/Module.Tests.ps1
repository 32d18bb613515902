#Requires -Modules @{ ModuleName = 'Pester'; ModuleVersion = '5.0.0' }
# Runs against the staged module (build.ps1 sets CLUSTERBACKUP_MODULE).

BeforeAll {
    $manifest = $env:CLUSTERBACKUP_MODULE
    if (-not $manifest) { $manifest = Join-Path $PSScriptRoot '../../ClusterBackup.psd1' }
    Import-Module $manifest -Force
}

Describe 'ClusterBackup module' {
    It 'exports every cmdlet the manifest lists' {
        $exported = (Get-Command -Module ClusterBackup).Name | Sort-Object
        $listed = (Import-PowerShellDataFile $env:CLUSTERBACKUP_MODULE).CmdletsToExport | Sort-Object
        $exported | Should -Be $listed
    }

    It 'has help with an example for every cmdlet' {
        foreach ($command in Get-Command -Module ClusterBackup) {
            $help = Get-Help $command.Name -Full
            $help.Synopsis | Should -Not -BeNullOrEmpty -Because "$($command.Name) needs a synopsis"
            @($help.Examples.Example).Count | Should -BeGreaterThan 0 -Because "$($command.Name) needs an example"
        }
    }
}

Describe 'Get-ClusterDbBackupSet' {
    It 'lists nothing from a new, empty catalog' {
        Import-Module (Join-Path $PSScriptRoot 'TestHelpers/TestHelpers.psd1') -Force
        $catalog = Join-Path ([IO.Path]::GetTempPath()) "cb-pester-$([guid]::NewGuid()).db"
        try {
            & (Get-TestCliPath) catalog new --catalog $catalog | Out-Null
            $LASTEXITCODE | Should -Be 0
            $err = $null
            @(Get-ClusterDbBackupSet -CatalogPath $catalog -ErrorVariable err).Count | Should -Be 0
            $err | Should -BeNullOrEmpty
        }
        finally { Remove-Item "$catalog*" -ErrorAction SilentlyContinue }
    }

    It 'does not create a catalog where none exists' {
        $catalog = Join-Path ([IO.Path]::GetTempPath()) "cb-pester-$([guid]::NewGuid()).db"
        $err = $null
        @(Get-ClusterDbBackupSet -CatalogPath $catalog -ErrorVariable err -ErrorAction SilentlyContinue).Count | Should -Be 0
        $err[0].FullyQualifiedErrorId | Should -Be 'CatalogNotFound,ClusterBackup.PowerShell.Backup.GetClusterDbBackupSetCommand'
        Test-Path -LiteralPath $catalog | Should -BeFalse
    }
}
