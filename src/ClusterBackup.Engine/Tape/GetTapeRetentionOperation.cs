using ClusterBackup.Engine.Catalog;
using ClusterBackup.Engine.Common;

namespace ClusterBackup.Engine.Tape;

/// <summary>How many verified tape copies each file needs, and whether to show active media sets too (never safe).</summary>
public sealed record GetTapeRetentionRequest(int RequiredCopies = 2, bool IncludeActive = false);

/// <summary>Whether a superseded media set on the share may be retired: every file needs the required number of verified tape copies.</summary>
public sealed record MediaSetRetention(string MediaSetId, string VirtualServer, string Database, BackupType BackupType, MediaSetStatus Status,
    int Files, int FilesWithEnoughCopies, int MinimumVerifiedCopies, int RequiredCopies, bool SafeToRetire, string Reason);

/// <summary>
/// Get-TapeRetention and `clusterbackup tape retention`. The retention rule: a file on the share is safe to retire only when the catalog holds at least the
/// configured number of verified tape copies of exactly that content (same path and SHA-256). A media
/// set may be retired only when it is superseded and every file of every backup set in it is safe.
/// </summary>
public sealed class GetTapeRetentionOperation(CatalogDatabase catalog)
{
    /// <summary>The rule for one file: enough verified tape copies of exactly its content.</summary>
    public static bool IsFileSafeToRetire(TapeCatalog catalog, BackupFile file, int requiredCopies) =>
        catalog.CountVerifiedCopies(file.Path, file.Sha256) >= requiredCopies;

    public Task<IReadOnlyList<MediaSetRetention>> RunAsync(GetTapeRetentionRequest request, IOperationReporter reporter, CancellationToken cancellationToken)
    {
        cancellationToken.ThrowIfCancellationRequested();
        return Task.FromResult(Evaluate(catalog, request.RequiredCopies, request.IncludeActive));
    }

    private static IReadOnlyList<MediaSetRetention> Evaluate(CatalogDatabase database, int requiredCopies, bool includeActive)
    {
        if (requiredCopies < 1)
            throw new ClusterBackupException(ErrorKind.InvalidArgument, "RequiredCopies", "At least one verified tape copy is required before a file may be retired.");
        var tape = new TapeCatalog(database);
        var backupSets = new BackupSetCatalog(database);
        var result = new List<MediaSetRetention>();
        foreach (var mediaSet in backupSets.GetMediaSets().Where(m => includeActive || m.Status == MediaSetStatus.Superseded))
        {
            var files = backupSets.GetBackupSets(new BackupSetQuery(MediaSetId: mediaSet.MediaSetId)).SelectMany(s => s.Files).ToList();
            var counts = files.Select(f => tape.CountVerifiedCopies(f.Path, f.Sha256)).ToList();
            var enough = counts.Count(c => c >= requiredCopies);
            var minimum = counts.Count == 0 ? 0 : counts.Min();
            var safe = mediaSet.Status == MediaSetStatus.Superseded && files.Count > 0 && enough == files.Count;
            var reason = mediaSet.Status != MediaSetStatus.Superseded ? $"the media set is {mediaSet.Status}, not superseded"
                : files.Count == 0 ? "the media set holds no recorded file"
                : safe ? $"every file has at least {requiredCopies} verified tape copies"
                : $"{files.Count - enough} of {files.Count} files have fewer than {requiredCopies} verified tape copies";
            result.Add(new MediaSetRetention(mediaSet.MediaSetId, mediaSet.VirtualServer, mediaSet.Database, mediaSet.BackupType, mediaSet.Status,
                files.Count, enough, minimum, requiredCopies, safe, reason));
        }
        return result;
    }
}
