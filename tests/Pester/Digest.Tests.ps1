#Requires -Modules @{ ModuleName = 'Pester'; ModuleVersion = '5.0.0' }
# Block digests, Compare-BlockDigest and changed-block incrementals, against the staged module.

BeforeAll {
    $manifest = $env:CLUSTERBACKUP_MODULE
    if (-not $manifest) { $manifest = Join-Path $PSScriptRoot '../../ClusterBackup.psd1' }
    Import-Module $manifest -Force
    $work = Join-Path ([IO.Path]::GetTempPath()) "cb-pester-digests-$([guid]::NewGuid())"
    New-Item -ItemType Directory -Path $work | Out-Null
    $size = 1MB + 17   # not a multiple of the block size
    $bytes = [byte[]]::new($size)
    [Random]::new(1).NextBytes($bytes)
    [IO.File]::WriteAllBytes((Join-Path $work 'primary.img'), $bytes)
    $bytes[4096 * 10] = $bytes[4096 * 10] -bxor 1
    [IO.File]::WriteAllBytes((Join-Path $work 'copy.img'), $bytes)
}

AfterAll {
    Remove-Item -Recurse -Force $work -ErrorAction SilentlyContinue
}

Describe 'Compare-BlockDigest' {
    It 'finds the one differing block' {
        $result = Compare-BlockDigest -Path (Join-Path $work 'primary.img') -BackupPath (Join-Path $work 'copy.img') -BlockSize 4096
        $result.DifferingBlocks | Should -Be 1
        $result.DifferingRanges[0].FirstBlock | Should -Be 10
    }

    It 'writes nothing with -WhatIf' {
        $before = (Get-FileHash (Join-Path $work 'copy.img')).Hash
        $err = $null
        Compare-BlockDigest -Path (Join-Path $work 'primary.img') -BackupPath (Join-Path $work 'copy.img') -Repair -WhatIf -ErrorVariable err | Out-Null
        $err | Should -BeNullOrEmpty
        (Get-FileHash (Join-Path $work 'copy.img')).Hash | Should -Be $before
    }

    It 'repairs the copy' {
        $result = Compare-BlockDigest -Path (Join-Path $work 'primary.img') -BackupPath (Join-Path $work 'copy.img') -BlockSize 4096 -Repair -Confirm:$false
        $result.Identical | Should -BeTrue
        (Get-FileHash (Join-Path $work 'copy.img')).Hash | Should -Be (Get-FileHash (Join-Path $work 'primary.img')).Hash
    }

    It 'reports a digest file of another block size clearly' {
        Export-BlockDigest -Path (Join-Path $work 'primary.img') -DigestPath (Join-Path $work 'p.cbdigest') -BlockSize 8192 | Out-Null
        { Compare-BlockDigest -Path (Join-Path $work 'primary.img') -DigestFile (Join-Path $work 'p.cbdigest') -BlockSize 4096 -ErrorAction Stop } |
            Should -Throw -ExpectedMessage '*8192-byte blocks*'
    }
}

Describe 'Backup-ChangedBlock and Restore-ChangedBlock' {
    It 'restores the latest generation byte-identical' {
        $catalog = Join-Path $work 'catalog.db'
        $store = Join-Path $work 'store'
        Backup-ChangedBlock -Path (Join-Path $work 'primary.img') -StorePath $store -AllowInconsistentCopy -CatalogPath $catalog | Out-Null
        $generation = Get-ChangedBlockGeneration -StorePath $store -CatalogPath $catalog | Select-Object -Last 1
        $generation.Generation | Should -Be 1
        $generation | Restore-ChangedBlock -Destination (Join-Path $work 'restored.img') -CatalogPath $catalog | Out-Null
        (Get-FileHash (Join-Path $work 'restored.img')).Hash | Should -Be (Get-FileHash (Join-Path $work 'primary.img')).Hash
    }
}
