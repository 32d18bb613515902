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

Describe 'The shared key: New-ClusterBackupDigestKey and digest new-key on the same case' {
    BeforeAll {
        Import-Module (Join-Path $PSScriptRoot 'TestHelpers/TestHelpers.psd1') -Force
        $script:cli = Get-TestCliPath
    }

    It 'creates a key file readable only by its owner, with the fingerprint the CLI shows for a key file it makes' {
        $fromCmdlet = Join-Path $work 'cmdlet.key'
        $fromCli = Join-Path $work 'cli.key'
        $err = $null
        $created = New-ClusterBackupDigestKey -Path $fromCmdlet -ErrorVariable err
        $err | Should -BeNullOrEmpty
        $made = & $cli digest new-key --out $fromCli --output json | ConvertFrom-Json
        $LASTEXITCODE | Should -Be 0
        $created.Path | Should -Be $fromCmdlet
        $made.Path | Should -Be $fromCli
        foreach ($key in $created, $made) {
            $key.Fingerprint | Should -Match '^[0-9a-f]{16}$'
            [Convert]::FromBase64String((Get-Content -LiteralPath $key.Path -Raw).Trim()).Length | Should -Be 32
            if (-not $IsWindows) { (Get-Item -LiteralPath $key.Path).UnixFileMode | Should -Be ([IO.UnixFileMode]'UserRead, UserWrite') }
        }
        $created.Fingerprint | Should -Not -Be $made.Fingerprint
        # The fingerprint is the SHA-256 of the key as read: the file without its trailing line break.
        $sha = [Security.Cryptography.SHA256]::HashData([Text.Encoding]::ASCII.GetBytes((Get-Content -LiteralPath $fromCmdlet -Raw).TrimEnd("`n")))
        $created.Fingerprint | Should -Be ([Convert]::ToHexString($sha, 0, 8).ToLowerInvariant())
    }

    It 'refuses to replace an existing file alike, keeping it' {
        $existing = Join-Path $work 'existing.key'
        Set-Content -LiteralPath $existing -Value 'in use on the other end'
        $err = $null
        New-ClusterBackupDigestKey -Path $existing -ErrorVariable err -ErrorAction SilentlyContinue | Should -BeNullOrEmpty
        $err[0].FullyQualifiedErrorId | Should -Be 'DigestKeyExists,ClusterBackup.PowerShell.Digest.NewClusterBackupDigestKeyCommand'
        $err[0].Exception.Message | Should -BeLike "*$existing*exists*"
        & $cli digest new-key --out $existing 2>$null | Should -BeNullOrEmpty
        $LASTEXITCODE | Should -Be 2
        Get-Content -LiteralPath $existing | Should -Be 'in use on the other end'
    }

    It 'creates nothing with -WhatIf' {
        $path = Join-Path $work 'whatif.key'
        $err = $null
        New-ClusterBackupDigestKey -Path $path -WhatIf -ErrorVariable err | Should -BeNullOrEmpty
        $err | Should -BeNullOrEmpty
        Test-Path -LiteralPath $path | Should -BeFalse
    }
}
