using System.Management.Automation;
using ClusterBackup.Engine.Catalog;
using ClusterBackup.Engine.Common;

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

    /// <summary>
    /// The tape objects of <paramref name="ids"/> that the catalog holds, each once; every other id gets its own
    /// non-terminating TapeObjectNotFound error naming it, so the objects that exist are still processed.
    /// </summary>
    protected List<Guid> KnownObjects(CatalogDatabase catalog, IEnumerable<Guid> ids)
    {
        var known = new TapeCatalog(catalog).GetObjects(includeExpired: true).Select(o => o.ObjectId).ToHashSet();
        var found = new List<Guid>();
        foreach (var id in ids.Distinct())
        {
            if (known.Contains(id))
                found.Add(id);
            else
                WriteEngineError(new ClusterBackupException(ErrorKind.ObjectNotFound, id.ToString(), $"Tape object {id} is not in the catalog '{catalog.Path}'.") { Cause = "TapeObjectNotFound" }, id);
        }
        return found;
    }
}
