# Who owns what: the nodes of a cluster, the groups each runs, and the node behind one virtual server.
# Read-only; run it before a backup window or after a failover.
#
#   ./cluster-owners.ps1 -Cluster WSFC1 -Provider Wsfc -VirtualServer SQLVS1
#   ./cluster-owners.ps1 -Cluster pcmk1 -Provider Pacemaker -CommandPrefix 'ssh root@node1' -VirtualServer vs-sql
param(
    [Parameter(Mandatory)] [string] $Cluster,
    [Parameter(Mandatory)] [ValidateSet('Pacemaker', 'Wsfc', 'Static')] [string] $Provider,
    [string] $VirtualServer,
    [string] $CommandPrefix,
    [string] $ComputerName
)

Import-Module ClusterBackup

$common = @{ Name = $Cluster; Provider = $Provider }
if ($CommandPrefix) { $common.CommandPrefix = $CommandPrefix }
if ($ComputerName) { $common.ComputerName = $ComputerName }

Get-ClusterDbNode @common | Format-Table
Get-ClusterDbGroup @common | Format-Table

if ($VirtualServer) {
    $group = Get-ClusterDbGroup @common -VirtualServer $VirtualServer -ErrorAction Stop
    "{0} runs on {1} (group {2}, {3})" -f $VirtualServer, $group.OwnerNode, $group.Name, $group.State
}
