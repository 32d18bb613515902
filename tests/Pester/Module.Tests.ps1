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

Describe 'The catalog: the cmdlets and the CLI on the same case' {
    BeforeAll {
        Import-Module (Join-Path $PSScriptRoot 'TestHelpers/TestHelpers.psd1') -Force
        $script:cli = Get-TestCliPath
        $script:folder = New-TestDirectory -Name catalog-parity
    }
    AfterAll { Remove-TestDirectory $script:folder }

    It 'creates a catalog and shows the same path and schema version as catalog new and catalog info' {
        $path = Join-Path $folder 'c.db'
        $err = $null
        $created = New-ClusterBackupCatalog -CatalogPath $path -ErrorVariable err
        $err | Should -BeNullOrEmpty
        $shown = Get-ClusterBackupCatalog -CatalogPath $path -ErrorVariable +err
        $err | Should -BeNullOrEmpty
        $fromCli = & $cli catalog info --catalog $path --output json | ConvertFrom-Json
        $LASTEXITCODE | Should -Be 0
        $again = & $cli catalog new --catalog $path --output json | ConvertFrom-Json
        $LASTEXITCODE | Should -Be 0
        $created.Path | Should -Be $path
        @($shown.Path, $fromCli.Path, $again.Path) | Should -Be @($path, $path, $path)
        @($shown.SchemaVersion, $fromCli.SchemaVersion, $again.SchemaVersion) | Should -Be @($created.SchemaVersion, $created.SchemaVersion, $created.SchemaVersion)
    }

    It 'refuses a missing catalog alike, creating nothing' {
        $path = Join-Path $folder 'missing/c.db'
        $err = $null
        Get-ClusterBackupCatalog -CatalogPath $path -ErrorVariable err -ErrorAction SilentlyContinue | Should -BeNullOrEmpty
        $err[0].FullyQualifiedErrorId | Should -Be 'CatalogNotFound,ClusterBackup.PowerShell.Backup.GetClusterBackupCatalogCommand'
        & $cli catalog info --catalog $path 2>$null | Should -BeNullOrEmpty
        $LASTEXITCODE | Should -Be 2
        Test-Path -LiteralPath (Join-Path $folder 'missing') | Should -BeFalse
    }

    It 'creates nothing with -WhatIf' {
        $path = Join-Path $folder 'whatif.db'
        $err = $null
        New-ClusterBackupCatalog -CatalogPath $path -WhatIf -ErrorVariable err | Should -BeNullOrEmpty
        $err | Should -BeNullOrEmpty
        Test-Path -LiteralPath $path | Should -BeFalse
    }
}
