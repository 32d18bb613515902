using System.Management.Automation;

namespace ClusterBackup.PowerShell.Tape;

/// <summary>
/// The base of the tape cmdlets that work on the tape library and its catalog: it holds the -LibraryPath and
/// -CatalogPath parameters once; the operation opens the library of -LibraryPath beside the catalog of -CatalogPath.
/// </summary>
public abstract class TapeCmdlet : ClusterBackupCmdlet
{
    /// <summary>The tape library folder; defaults to CLUSTERBACKUP_TAPE_LIBRARY.</summary>
    [Parameter]
    [FileSystemPath]
    public string? LibraryPath { get; set; }

    /// <summary>The catalog file; defaults to CLUSTERBACKUP_CATALOG or the backup server's default location.</summary>
    [Parameter]
    [FileSystemPath]
    public string? CatalogPath { get; set; }
}
