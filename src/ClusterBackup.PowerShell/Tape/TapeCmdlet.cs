using System.Management.Automation;
using ClusterBackup.Engine.Common;
using ClusterBackup.Engine.Tape;

namespace ClusterBackup.PowerShell.Tape;

/// <summary>
/// The base of the tape cmdlets that work on the tape library and its catalog: it holds the -LibraryPath and
/// -CatalogPath parameters once and opens the <see cref="TapeContext"/> they name.
/// </summary>
public abstract class TapeCmdlet : ClusterBackupCmdlet
{
    /// <summary>The tape library folder; defaults to CLUSTERBACKUP_TAPE_LIBRARY.</summary>
    [Parameter]
    public string? LibraryPath { get; set; }

    /// <summary>The catalog file; defaults to CLUSTERBACKUP_CATALOG or the backup server's default location.</summary>
    [Parameter]
    public string? CatalogPath { get; set; }

    /// <summary>Opens the catalog and the tape library of -CatalogPath and -LibraryPath, inside RunEngine.</summary>
    protected TapeContext OpenTape(IOperationReporter reporter) => TapeContext.Open(CatalogPath, LibraryPath, reporter);
}
