using System.Management.Automation;
using ClusterBackup.Engine.Backup;
using ClusterBackup.Engine.Catalog;

namespace ClusterBackup.PowerShell.Backup;

/// <summary>
/// <para type="synopsis">Gives a backup share its identity: its share marker, recorded in the catalog.</para>
/// <para type="description">Writes the share marker .clusterbackup-share (a format version, a share id and the time) at the
/// root of the share when it has none, and records the share's id in the catalog. From then on Start-ClusterDbBackup,
/// Test-ClusterDbBackup, Restore-ClusterDbBackup and Backup-TapeBackupSet refuse the path (ShareIdentityMissing,
/// ShareIdentityMismatch) when the share's filesystem is not mounted there, or another share is, instead of writing onto
/// the mount-point folder. The first backup into an empty share initializes it by itself; a share that already holds
/// backups but no marker (from before share markers) needs this cmdlet once. Running it again on an initialized share
/// changes nothing. Writes a BackupShare.</para>
/// <example>
/// <code>Initialize-ClusterBackupShare -Path /mnt/backup</code>
/// <para>Writes /mnt/backup/.clusterbackup-share and records the share in the default catalog.</para>
/// </example>
/// <example>
/// <code>Initialize-ClusterBackupShare -Path /mnt/backup -Force</code>
/// <para>Records the share now mounted at /mnt/backup (a replacement disk) in place of the one the catalog knew there.</para>
/// </example>
/// </summary>
[Cmdlet(VerbsData.Initialize, "ClusterBackupShare", SupportsShouldProcess = true, ConfirmImpact = ConfirmImpact.High)]
[OutputType(typeof(BackupShare))]
public sealed class InitializeClusterBackupShareCommand : ClusterBackupCmdlet
{
    /// <summary>The share's root folder, as Start-ClusterDbBackup names it with -Destination.</summary>
    [Parameter(Mandatory = true, Position = 0, ValueFromPipelineByPropertyName = true)]
    [Alias("Share", "Destination")]
    [FileSystemPath]
    public string Path { get; set; } = "";

    /// <summary>Also when the catalog records another identity at this path: the share was replaced on purpose, or its marker lost.</summary>
    [Parameter]
    public SwitchParameter Force { get; set; }

    /// <summary>The catalog file; defaults to CLUSTERBACKUP_CATALOG or the backup server's default location. Created when missing.</summary>
    [Parameter]
    [FileSystemPath]
    public string? CatalogPath { get; set; }

    protected override void ProcessRecord()
    {
        if (!ShouldProcess(Path, Force ? "Initialize the backup share, replacing the identity the catalog records" : "Initialize the backup share"))
            return;
        try
        {
            var request = new InitializeBackupShareRequest(Path, Force);
            var share = RunEngine((token, reporter) => new InitializeBackupShareOperation(CatalogDatabase.OpenOrCreate(CatalogPath, reporter)).RunAsync(request, reporter, token));
            WriteObject(share);
        }
        catch (Exception ex) when (ex is not PipelineStoppedException)
        {
            WriteEngineError(ex, Path);
        }
    }
}
