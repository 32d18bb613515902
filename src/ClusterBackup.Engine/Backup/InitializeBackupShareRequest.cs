namespace ClusterBackup.Engine.Backup;

/// <summary>Initialize-ClusterBackupShare and <c>clusterbackup share init</c>: the share to initialize.</summary>
/// <param name="Path">The share's root folder (what backups name with -Destination / --share).</param>
/// <param name="Force">Also when the catalog records another identity there: a share that replaces the recorded one on
/// purpose (a new disk), or a marker lost with the old one.</param>
public sealed record InitializeBackupShareRequest(string Path, bool Force = false);
