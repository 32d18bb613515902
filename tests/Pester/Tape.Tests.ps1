#Requires -Modules @{ ModuleName = 'Pester'; ModuleVersion = '5.0.0' }
# Tape cmdlets against a virtual tape library in a private folder.

BeforeAll {
    $manifest = $env:CLUSTERBACKUP_MODULE
    if (-not $manifest) { $manifest = Join-Path $PSScriptRoot '../../ClusterBackup.psd1' }
    Import-Module $manifest -Force
    $script:root = Join-Path ([IO.Path]::GetTempPath()) "cb-pester-tape-$([guid]::NewGuid())"
    $script:library = Join-Path $script:root 'vtl'
    $script:catalog = Join-Path $script:root 'catalog.db'
    New-Item -ItemType Directory -Path $script:root | Out-Null
}

AfterAll {
    Remove-Item -Recurse -Force $script:root -ErrorAction SilentlyContinue
}

Describe 'Tape library' {
    It 'creates a library and lists its drives' {
        $drives = New-TapeLibrary -Path $script:library -Drives 4 -Slots 8 -CatalogPath $script:catalog
        @($drives).Count | Should -Be 4
        (Get-TapeDrive -LibraryPath $script:library -CatalogPath $script:catalog).Name | Should -Contain 'drive0'
    }

    It 'adds blank cartridges to slots' {
        Add-TapeCartridge -Barcode 'VT0001', 'VT0002', 'VT0003' -CapacityBytes 67108864 -LibraryPath $script:library -CatalogPath $script:catalog | Out-Null
        $cartridges = Get-TapeCartridge -LibraryPath $script:library -CatalogPath $script:catalog
        @($cartridges).Count | Should -Be 3
        $cartridges[0].Location | Should -Be 'Slot'
    }

    It 'labels a cartridge only when confirmed' {
        $label = Initialize-TapeCartridge -Barcode VT0003 -Pool Daily -BlockSize 65536 -Confirm:$false -LibraryPath $script:library -CatalogPath $script:catalog
        $label.Pool | Should -Be 'Daily'
        $label.Status | Should -Be 'Scratch'
    }

    It 'supports -WhatIf on labelling' {
        $err = $null
        Initialize-TapeCartridge -Barcode VT0002 -Pool Daily -WhatIf -LibraryPath $script:library -CatalogPath $script:catalog -ErrorVariable err
        $err | Should -BeNullOrEmpty
        (Get-TapeCartridge -Barcode VT0002 -LibraryPath $script:library -CatalogPath $script:catalog).Pool | Should -BeNullOrEmpty
    }
}

Describe 'Media-agent configuration' {
    It 'creates a mirrored configuration that tests valid' {
        $path = Join-Path $script:root 'agents.json'
        $result = New-TapeAgentConfiguration -Path $path -LibraryPath $script:library -Drive drive0 -MirrorDrive drive1 -Pool Daily -MirrorPool Offsite -BlockSize 65536 -CatalogPath $script:catalog
        $result.Valid | Should -BeTrue
        $result.MirrorLevels | Should -Be 1
    }

    It 'reports an unknown drive' {
        $path = Join-Path $script:root 'bad.json'
        Set-Content -Path $path -Value '{ "formatVersion": 1, "agents": [ { "name": "A1", "drive": "tape9", "buffers": [ { "name": "B", "objects": "*" } ] } ] }'
        $result = Test-TapeAgentConfiguration -Path $path -LibraryPath $script:library -CatalogPath $script:catalog
        $result.Valid | Should -BeFalse
        $result.Issues[0].Message | Should -Match 'unknown'
    }
}

Describe 'Tape objects' {
    It 'lists nothing from a new catalog' {
        $err = $null
        @(Get-TapeObject -CatalogPath $script:catalog -ErrorVariable err).Count | Should -Be 0
        $err | Should -BeNullOrEmpty
    }

    It 'reports retention for an empty catalog' {
        $err = $null
        @(Get-TapeRetention -RequiredCopies 2 -CatalogPath $script:catalog -ErrorVariable err).Count | Should -Be 0
        $err | Should -BeNullOrEmpty
    }
}
