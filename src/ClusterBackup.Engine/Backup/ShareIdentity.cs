using ClusterBackup.Engine.Catalog;
using ClusterBackup.Engine.Common;

namespace ClusterBackup.Engine.Backup;

/// <summary>
/// Nothing is written to, or read from, a share that is not the one the catalog knows: a filesystem that is not mounted
/// leaves its empty mount-point folder behind, and a backup into it would land on the root filesystem. A share proves
/// who it is with its marker (<see cref="ShareMarker"/>), whose id the catalog records (<see cref="ShareCatalog"/>).
/// <list type="bullet">
/// <item>A share the catalog records must have its marker, with the recorded id.</item>
/// <item>A backup into an empty share that the catalog does not know initializes it: the marker is written and recorded.</item>
/// <item>A share that holds files but no marker, and that the catalog does not know (a share from before markers), is refused
/// until an admin initializes it (Initialize-ClusterBackupShare, <c>clusterbackup share init</c>).</item>
/// <item>A catalogued backup set whose share the catalog does not record (catalogued before markers) is read unchecked.</item>
/// </list>
/// </summary>
public static class ShareIdentity
{
    /// <summary>The commands that initialize a share, for messages.</summary>
    public static string InitializeCommand(string share) =>
        $"Initialize-ClusterBackupShare -Path '{share}' (clusterbackup share init '{share}')";

    /// <summary>Checks the share a backup writes to, initializing an empty share the catalog does not know.</summary>
    /// <param name="share">The share's root folder.</param>
    /// <param name="shares">The catalog's shares.</param>
    /// <param name="mediaSets">The catalog's media sets: an empty share under which the catalog records some (a catalog from before
    /// markers) is the mount point of a filesystem that is not mounted, not a new share.</param>
    /// <param name="reporter">Told when the share is initialized or recorded.</param>
    public static BackupShare ForBackup(string share, ShareCatalog shares, IReadOnlyList<MediaSet> mediaSets, IOperationReporter reporter)
    {
        var path = ShareCatalog.Normalize(share);
        var recorded = shares.Get(path);
        var marker = ShareMarker.Read(path);
        if (recorded is not null)
            return Match(path, recorded, marker);
        if (marker is not null)
        {
            shares.Record(marker);
            reporter.Verbose($"The backup share '{path}' (id {marker.ShareId}) is recorded in the catalog.");
            return marker;
        }
        if (Directory.EnumerateFileSystemEntries(path).Any(e => !IsPartOfAnEmptyShare(Path.GetFileName(e))))
            throw new ClusterBackupException(ErrorKind.InvalidOperation, path,
                $"The backup share '{path}' holds files but has no share marker ({ShareMarker.FileName}), and the catalog does not know it: "
                + $"if this is the share (and its filesystem is mounted), initialize it with {InitializeCommand(path)}.") { Cause = "ShareIdentityMissing" };
        if (mediaSets.FirstOrDefault(m => ShareCatalog.Normalize(m.SharePath).StartsWith(path == "/" ? "/" : path + Path.DirectorySeparatorChar, StringComparison.Ordinal)) is { } known)
            throw new ClusterBackupException(ErrorKind.ResourceUnavailable, path,
                $"The backup share '{path}' is empty and has no share marker ({ShareMarker.FileName}), but the catalog records media sets in it "
                + $"(media set {known.MediaSetId} of '{known.Database}' at '{known.SharePath}'): is the share's filesystem mounted? "
                + $"Once it is, initialize it with {InitializeCommand(path)}.") { Cause = "ShareIdentityMissing" };
        var created = ShareMarker.Write(path, replace: false);
        shares.Record(created);
        reporter.Verbose($"The backup share '{path}' was empty: its share marker (id {created.ShareId}) is written and recorded in the catalog.");
        return created;
    }

    /// <summary>Checks the share that holds each of <paramref name="paths"/> before they are read, when the catalog records it.</summary>
    public static void RequireForRead(IEnumerable<string> paths, ShareCatalog shares, string what)
    {
        var all = shares.All();
        if (all.Count == 0)
            return;
        foreach (var share in paths.Select(shares.Holding).OfType<BackupShare>().DistinctBy(s => s.Path))
        {
            try
            {
                Match(share.Path, share, ShareMarker.Read(share.Path));
            }
            catch (ClusterBackupException ex)
            {
                throw new ClusterBackupException(ex.Kind, ex.Target, $"Cannot read {what}: {ex.Message}", ex) { Cause = ex.Cause };
            }
        }
    }

    /// <summary>What an empty share may hold: the write probe of a backup, and the lost+found folder a new ext filesystem has.</summary>
    private static bool IsPartOfAnEmptyShare(string name) =>
        name == "lost+found" || name.StartsWith(".clusterbackup-probe-", StringComparison.Ordinal);

    internal static BackupShare Match(string path, BackupShare recorded, BackupShare? marker)
    {
        if (marker is null)
            throw new ClusterBackupException(ErrorKind.ResourceUnavailable, path,
                $"The backup share '{path}' has no share marker ({ShareMarker.FileName}): is the share's filesystem mounted? "
                + $"The catalog records share id {recorded.ShareId} there; nothing is written to or read from it until the share is back.") { Cause = "ShareIdentityMissing" };
        if (marker.ShareId != recorded.ShareId)
            throw new ClusterBackupException(ErrorKind.ResourceUnavailable, path,
                $"The backup share '{path}' is share {marker.ShareId}, not share {recorded.ShareId} that the catalog records there: another share is mounted at that path. "
                + $"Mount the right one, or, if this share replaces it on purpose, run {InitializeCommand(path)} -Force (--force).") { Cause = "ShareIdentityMismatch" };
        return recorded;
    }
}
