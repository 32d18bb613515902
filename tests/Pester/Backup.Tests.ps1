#Requires -Modules @{ ModuleName = 'Pester'; ModuleVersion = '5.0.0' }
# Start-ClusterDbBackup, Test-ClusterDbBackup, Restore-ClusterDbBackup and Initialize-ClusterBackupShare: binding, -WhatIf and errors.
# The backups themselves run against real PostgreSQL in the xunit suite (PostgreSql/*Tests.cs).

BeforeAll {
    $manifest = $env:CLUSTERBACKUP_MODULE
    if (-not $manifest) { $manifest = Join-Path $PSScriptRoot '../../ClusterBackup.psd1' }
    Import-Module $manifest -Force
    $root = Join-Path ([IO.Path]::GetTempPath()) "cb-pester-backup-$([guid]::NewGuid())"
    New-Item -ItemType Directory -Path $root, (Join-Path $root 'share') | Out-Null
    $catalog = Join-Path $root 'catalog.db'
    $config = Join-Path $root 'clusterbackup.json'
    @{
        version  = 1
        clusters = @(@{ name = 'clu1'; provider = 'Static'; settings = @{ topologyFile = 'topology.json' } })
        servers  = @(@{ name = 'vs1'; cluster = 'clu1'; engine = 'PostgreSql'; settings = @{ walArchive = 'wal' } })
    } | ConvertTo-Json -Depth 5 | Set-Content $config
    @{ version = 1; nodes = @(@{ name = 'n1'; address = '127.0.0.1:1' }); groups = @(@{ name = 'vs1'; owner = 'n1' }) } |
        ConvertTo-Json -Depth 5 | Set-Content (Join-Path $root 'topology.json')
}

AfterAll {
    Remove-Item $root -Recurse -Force -ErrorAction SilentlyContinue
}

Describe 'Start-ClusterDbBackup' {
    It 'does nothing with -WhatIf' {
        $err = $null
        Start-ClusterDbBackup -Server vs1 -Database appdb -Destination (Join-Path $root 'share') -CatalogPath $catalog -ConfigurationPath $config -WhatIf -ErrorVariable err
        $err | Should -BeNullOrEmpty
        @(Get-ChildItem (Join-Path $root 'share')).Count | Should -Be 0
    }

    It 'names an unknown server in an ObjectNotFound error' {
        $err = $null
        Start-ClusterDbBackup -Server nosuch -Database appdb -Destination (Join-Path $root 'share') -CatalogPath $catalog -ConfigurationPath $config -ErrorVariable err -ErrorAction SilentlyContinue
        $err[0].CategoryInfo.Category | Should -Be 'ObjectNotFound'
        $err[0].Exception.Message | Should -BeLike "*nosuch*"
    }

    It 'binds server and database from the pipeline by property name' {
        $err = $null
        [pscustomobject]@{ VirtualServer = 'nosuch'; Database = 'appdb' } |
            Start-ClusterDbBackup -Destination (Join-Path $root 'share') -CatalogPath $catalog -ConfigurationPath $config -ErrorVariable err -ErrorAction SilentlyContinue
        $err[0].Exception.Message | Should -BeLike "*nosuch*"
    }
}

Describe 'Initialize-ClusterBackupShare' {
    BeforeAll {
        $share = Join-Path $root 'initialized'
        New-Item -ItemType Directory -Path $share | Out-Null
        $marker = Join-Path $share '.clusterbackup-share'
    }

    It 'does nothing with -WhatIf' {
        $err = $null
        Initialize-ClusterBackupShare -Path $share -CatalogPath $catalog -WhatIf -ErrorVariable err
        $err | Should -BeNullOrEmpty
        Test-Path $marker | Should -BeFalse
    }

    It 'writes the share marker and records it; a second run changes nothing' {
        $err = $null
        $first = Initialize-ClusterBackupShare -Path $share -CatalogPath $catalog -Confirm:$false -ErrorVariable err
        $err | Should -BeNullOrEmpty
        $first.Initialized | Should -BeTrue
        (Get-Content $marker -Raw | ConvertFrom-Json).shareId | Should -Be $first.ShareId.ToString()
        ($first | Format-Table | Out-String) | Should -BeLike '*ShareId*Initialized*'
        $again = Initialize-ClusterBackupShare $share -CatalogPath $catalog -Confirm:$false -ErrorVariable err
        $err | Should -BeNullOrEmpty
        $again.Initialized | Should -BeFalse
        $again.ShareId | Should -Be $first.ShareId
    }

    It 'refuses a recorded share that lost its marker, naming it, until -Force' {
        Remove-Item $marker -Force
        $err = $null
        $out = Initialize-ClusterBackupShare -Path $share -CatalogPath $catalog -Confirm:$false -ErrorVariable err -ErrorAction SilentlyContinue
        $out | Should -BeNullOrEmpty
        $err[0].FullyQualifiedErrorId | Should -BeLike 'ShareIdentityMissing,*'
        $err[0].Exception.Message | Should -BeLike "*$share*filesystem mounted*"
        Test-Path $marker | Should -BeFalse
        $forced = Initialize-ClusterBackupShare -Path $share -CatalogPath $catalog -Force -Confirm:$false -ErrorVariable err
        $err | Should -BeNullOrEmpty
        $forced.Initialized | Should -BeTrue
        Test-Path $marker | Should -BeTrue
    }
}

Describe 'Test-ClusterDbBackup' {
    It 'names an unknown backup set' {
        $err = $null
        $id = [guid]::NewGuid()
        Test-ClusterDbBackup -BackupSetId $id -CatalogPath $catalog -ErrorVariable err -ErrorAction SilentlyContinue
        $err[0].CategoryInfo.Category | Should -Be 'ObjectNotFound'
    }
}

Describe 'Restore-ClusterDbBackup' {
    It 'does nothing with -WhatIf' {
        $err = $null
        Restore-ClusterDbBackup -Server vs1 -Database appdb -Target (Join-Path $root 'restored') -CatalogPath $catalog -WhatIf -ErrorVariable err
        $err | Should -BeNullOrEmpty
        Test-Path (Join-Path $root 'restored') | Should -BeFalse
    }
}
