using ClusterBackup.Engine.Catalog;
using ClusterBackup.Engine.Common;

namespace ClusterBackup.Engine.Backup;

/// <summary>
/// Initialize-ClusterBackupShare and <c>clusterbackup share init</c>: gives a backup share its identity. Writes the share
/// marker (<see cref="ShareMarker"/>) when the share has none and records the share's id in the catalog, so later backups,
/// verifies, restores and tape backups refuse the path when another filesystem, or none, is mounted there. A share that
/// already has its marker is recorded as it is (running it again changes nothing). A share whose identity differs from
/// what the catalog records (a missing marker, another share's marker) is refused unless <see cref="InitializeBackupShareRequest.Force"/>.
/// </summary>
public sealed class InitializeBackupShareOperation(CatalogDatabase catalogDatabase)
{
    private readonly ShareCatalog _shares = new(catalogDatabase);

    public Task<BackupShare> RunAsync(InitializeBackupShareRequest request, IOperationReporter reporter, CancellationToken cancellationToken)
    {
        cancellationToken.ThrowIfCancellationRequested();
        var path = ShareCatalog.Normalize(BackupDatabaseOperation.CheckShare(request.Path));
        var recorded = _shares.Get(path);
        var marker = ShareMarker.Read(path);
        if (marker is not null)
        {
            if (recorded is not null && recorded.ShareId != marker.ShareId && !request.Force)
                ShareIdentity.Match(path, recorded, marker);
            if (recorded?.ShareId != marker.ShareId)
                _shares.Record(marker);
            reporter.Verbose($"The backup share '{path}' already has its share marker (id {marker.ShareId}); it is recorded in the catalog.");
            return Task.FromResult(marker);
        }
        if (recorded is not null && !request.Force)
            ShareIdentity.Match(path, recorded, marker);
        var created = ShareMarker.Write(path, replace: false);
        _shares.Record(created);
        reporter.Verbose($"Wrote the share marker of '{path}' (id {created.ShareId}) and recorded it in the catalog.");
        return Task.FromResult(created);
    }
}
