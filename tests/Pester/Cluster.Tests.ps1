#Requires -Modules @{ ModuleName = 'Pester'; ModuleVersion = '5.0.0' }
# Runs against the staged module (build.ps1 sets CLUSTERBACKUP_MODULE).

BeforeAll {
    $manifest = $env:CLUSTERBACKUP_MODULE
    if (-not $manifest) { $manifest = Join-Path $PSScriptRoot '../../ClusterBackup.psd1' }
    Import-Module $manifest -Force
}

Describe 'Get-ClusterDbNode and Get-ClusterDbGroup' {
    It 'refuses an unknown provider with an InvalidArgument error naming the choices' {
        $err = $null
        Get-ClusterDbNode -Name c1 -Provider Heartbeat -ErrorVariable err -ErrorAction SilentlyContinue
        $err[0].CategoryInfo.Category | Should -Be 'InvalidArgument'
        $err[0].Exception.Message | Should -Match 'Pacemaker'
    }

    It 'reads a Pacemaker cluster through a crm_mon stand-in' -Skip:(-not $IsLinux) {
        $dir = Join-Path ([IO.Path]::GetTempPath()) "cb-pester-$([guid]::NewGuid())"
        New-Item -ItemType Directory $dir | Out-Null
        $xml = Join-Path $PSScriptRoot '../ClusterBackup.Engine.Tests/Cluster/Pacemaker/TestData/after-move-to-node3.xml'
        $script = Join-Path $dir 'crm_mon'
        Set-Content -Path $script -Value "#!/bin/sh`nexec cat '$xml'"
        chmod +x $script
        try {
            $nodes = Get-ClusterDbNode -Name pcmk1 -Provider Pacemaker -CrmMon $script
            $nodes.Count | Should -Be 3
            ($nodes | Where-Object Name -eq 'node3').OwnedGroups | Should -Contain 'vs-sql'
            $group = Get-ClusterDbGroup -Name pcmk1 -Provider Pacemaker -CrmMon $script -VirtualServer vs-sql
            $group.OwnerNode | Should -Be 'node3'
        }
        finally {
            Remove-Item -Recurse -Force $dir
        }
    }
}
