using ClusterBackup.Engine.Catalog;
using ClusterBackup.Engine.Common;
using ClusterBackup.Engine.Tape.Agents;
using ClusterBackup.Engine.Tape.Library;

namespace ClusterBackup.Engine.Tape;

/// <summary>Which tape objects to restore, and where.</summary>
public sealed record RestoreTapeObjectRequest
{
    /// <summary>The tape library folder; default $CLUSTERBACKUP_TAPE_LIBRARY.</summary>
    public string? LibraryPath { get; init; }
    /// <summary>A media-agent configuration whose changer and drives to read with (docs/media-agent-configuration.md); default the virtual library.</summary>
    public string? ConfigurationPath { get; init; }
    /// <summary>The tape objects to restore.</summary>
    public required IReadOnlyCollection<Guid> ObjectIds { get; init; }
    /// <summary>Folder the objects are restored into, under their catalog names ({VirtualServer}/{Database}/{backup set folder}/{file}).</summary>
    public required string Destination { get; init; }
    /// <summary>Replace files that exist (each only after its new content has been verified).</summary>
    public bool Force { get; init; }
    /// <summary>Read with this drive; default: a free one.</summary>
    public string? Drive { get; init; }
}

/// <summary>One restored object, and the copy it was restored from.</summary>
/// <param name="ObjectId">The tape object.</param>
/// <param name="Name">Its name in the catalog ({VirtualServer}/{Database}/{backup set folder}/{file}).</param>
/// <param name="Path">Where it was restored.</param>
/// <param name="Length">Bytes restored.</param>
/// <param name="Sha256">The SHA-256 of the bytes written at <paramref name="Path"/>, equal to the catalog's.</param>
/// <param name="Barcodes">The cartridges of the copy restored.</param>
/// <param name="MirrorLevel">The copy's mirror level (0: the original).</param>
/// <param name="Agent">The media agent that wrote the copy restored.</param>
/// <param name="StreamId">The tape stream of the copy restored.</param>
/// <param name="BackupSetId">The backup set the object belongs to, when it is a file of one.</param>
public sealed record RestoreTapeObjectResult(Guid ObjectId, string Name, string Path, long Length, string Sha256, string Barcodes, int MirrorLevel,
    string Agent = "", Guid StreamId = default, Guid? BackupSetId = null);

/// <summary>
/// Restore-TapeObject and `clusterbackup tape restore`: restores tape objects byte-identical. Each object is written under a temporary
/// name and hashed as it is written; it is renamed into place only when its length and SHA-256 match the copy's ObjectEnd record and
/// the catalog. A copy that cannot be read (a damaged block, a missing cartridge) or whose content differs from the catalog is rejected,
/// with a warning naming it, and the next copy (a mirror) is tried. Objects that share a tape stream are read in one pass. When no copy
/// of an object verifies, the restore fails naming it, and nothing of it is left at the destination.
/// Objects of different backup sets never share a folder: their catalog names hold the backup set's folder, and two objects that would be
/// restored to one path are refused before anything is written.
/// </summary>
/// <param name="catalog">The catalog.</param>
/// <param name="libraries">Opens the library the request names.</param>
public sealed class RestoreTapeObjectOperation(CatalogDatabase catalog, ITapeLibraryFactory libraries)
{
    /// <summary>Restores the objects of <paramref name="request"/>; the result names each object's path and the copy it came from.</summary>
    public Task<IReadOnlyList<RestoreTapeObjectResult>> RunAsync(RestoreTapeObjectRequest request, IOperationReporter reporter, CancellationToken cancellationToken) =>
        Task.Run(() => Run(request, reporter, cancellationToken), cancellationToken);

    private IReadOnlyList<RestoreTapeObjectResult> Run(RestoreTapeObjectRequest request, IOperationReporter reporter, CancellationToken token)
    {
        var context = TapeContext.OpenFor(catalog, libraries, request.LibraryPath, request.ConfigurationPath);
        var objects = request.ObjectIds.Distinct().Select(id => context.Catalog.GetObjects(objectId: id, includeExpired: true).SingleOrDefault()
            ?? throw new ClusterBackupException(ErrorKind.ObjectNotFound, id.ToString(), $"Tape object {id} is not in the catalog.") { Cause = "TapeObjectNotFound" }).ToList();
        var destination = Path.GetFullPath(request.Destination);
        var targets = PlanTargets(destination, objects);
        if (!request.Force && targets.Values.FirstOrDefault(File.Exists) is { } existing)
            throw new ClusterBackupException(ErrorKind.InvalidOperation, existing, $"'{existing}' exists; pass -Force (--force) to overwrite it. Nothing was restored.");
        var results = new List<RestoreTapeObjectResult>();
        var pending = objects.ToDictionary(o => o.ObjectId);
        var attempt = new Dictionary<Guid, int>();
        var errors = new Dictionary<Guid, List<string>>();
        var failed = new List<TapeObject>();
        void Reject(Guid id, TapeObjectCopy copy, string why)
        {
            var o = pending[id];
            var message = $"Copy {copy.MirrorLevel} of object {o.Name} (agent {copy.Agent}, on {string.Join(",", copy.Barcodes)}) was rejected: {why}.";
            reporter.Warning(message + " Trying the next copy.");
            (errors.TryGetValue(id, out var list) ? list : errors[id] = []).Add(message);
            attempt[id] = attempt.GetValueOrDefault(id) + 1;
        }
        while (pending.Count > 0)
        {
            token.ThrowIfCancellationRequested();
            // Each pending object's next copy to try: verified first, then lower mirror levels.
            var choice = new Dictionary<Guid, TapeObjectCopy>();
            foreach (var o in pending.Values.ToList())
            {
                var ordered = o.Copies.OrderByDescending(c => c.Verified).ThenBy(c => c.MirrorLevel).ToList();
                var index = attempt.GetValueOrDefault(o.ObjectId);
                if (index >= ordered.Count)
                {
                    pending.Remove(o.ObjectId);
                    failed.Add(o);
                    continue;
                }
                choice[o.ObjectId] = ordered[index];
            }
            foreach (var group in choice.GroupBy(c => c.Value.StreamId))
            {
                var stream = context.Catalog.GetStream(group.Key);
                var drive = request.Drive ?? context.FreeDrive();
                var agent = new RestoreMediaAgent("restore", new CatalogReadVolumes(context.Library, drive, stream));
                var first = group.Select(g => g.Value).OrderBy(c => c.FirstVolumeSequence).ThenBy(c => c.FirstBlock).First();
                var sinks = new Dictionary<Guid, FileObjectSink>();
                reporter.Progress("Restoring from tape", $"{group.Count()} objects from {string.Join(",", stream.Volumes.Select(v => v.Barcode))}", results.Count * 100 / objects.Count);
                FileObjectSink SinkFor(Guid id)
                {
                    var o = pending[id];
                    return sinks[id] = new FileObjectSink(targets[id], request.Force, o.Length, o.Sha256);
                }
                Exception? streamError = null;
                IReadOnlyList<RestoredObject> read = [];
                try
                {
                    read = agent.Read(new RestoreStart(first.FirstVolumeSequence, first.FirstBlock, stream.SessionId), group.Select(g => g.Key).ToHashSet(),
                        (id, _) => SinkFor(id), token);
                }
                catch (ClusterBackupException ex) when (ex.Kind is ErrorKind.InvalidData or ErrorKind.ReadError or ErrorKind.ResourceUnavailable or ErrorKind.ObjectNotFound)
                {
                    streamError = ex;
                }
                foreach (var (id, copy) in group)
                {
                    var o = pending[id];
                    if (sinks.TryGetValue(id, out var sink) && sink.Completed)
                    {
                        // Verified by the sink against the catalog's length and SHA-256 before it was renamed into place.
                        results.Add(new RestoreTapeObjectResult(id, o.Name, sink.Path, o.Length, sink.WrittenSha256!, string.Join(",", copy.Barcodes), copy.MirrorLevel,
                            copy.Agent, copy.StreamId, o.BackupSetId));
                        reporter.Verbose($"Object {o.Name} restored to {sink.Path} from copy {copy.MirrorLevel} (agent {copy.Agent}, on {string.Join(",", copy.Barcodes)}).");
                        pending.Remove(id);
                    }
                    else if (sink?.Rejection is { } rejection)
                        Reject(id, copy, rejection);
                    else
                        Reject(id, copy, streamError?.Message.TrimEnd('.') ?? read.FirstOrDefault(r => r.ObjectId == id)?.Note ?? "the object is not where the catalog places it");
                }
            }
        }
        reporter.Completed("Restoring from tape");
        if (failed.Count > 0)
        {
            var restored = results.Count > 0 ? $" {results.Count} other object(s) were restored and verified: {string.Join(", ", results.Select(r => r.Name))}." : "";
            var detail = string.Join(" ", failed.Select(o => o.Copies.Count == 0
                ? $"Object {o.Name} has no copy on tape."
                : $"Object {o.Name} could not be restored from any of its {o.Copies.Count} copies; nothing of it was put in place. {string.Join(" ", errors.GetValueOrDefault(o.ObjectId) ?? [])}"));
            var kind = failed.All(o => (errors.GetValueOrDefault(o.ObjectId) ?? []).Any(e => e.Contains("the catalog recorded", StringComparison.Ordinal))) ? ErrorKind.InvalidData : ErrorKind.ReadError;
            throw new ClusterBackupException(kind, failed[0].Name, detail + restored);
        }
        return results;
    }

    /// <summary>
    /// The path each object is restored to: its catalog name under the destination. Two objects that would land on one path (objects of
    /// different backup sets named alike, as catalogs before schema version 11 named them) are refused before anything is written.
    /// </summary>
    public static IReadOnlyDictionary<Guid, string> PlanTargets(string destination, IReadOnlyList<TapeObject> objects)
    {
        var targets = objects.ToDictionary(o => o.ObjectId, o => TargetPath(destination, o.Name));
        var clash = objects.GroupBy(o => targets[o.ObjectId], OperatingSystem.IsWindows() ? StringComparer.OrdinalIgnoreCase : StringComparer.Ordinal)
            .FirstOrDefault(g => g.Count() > 1);
        if (clash is not null)
            throw new ClusterBackupException(ErrorKind.InvalidOperation, clash.Key,
                $"Objects {string.Join(" and ", clash.Select(o => $"{o.Name} ({o.ObjectId}, backup set {o.BackupSetId?.ToString() ?? "none"})"))} would all be restored to '{clash.Key}'; " +
                "nothing was restored. Restore them in separate runs to different destinations.");
        return targets;
    }

    /// <summary>The object's tape name under the destination; a name that would leave the folder is refused.</summary>
    public static string TargetPath(string destination, string name)
    {
        var relative = name.Replace('\\', '/').TrimStart('/');
        var full = Path.GetFullPath(Path.Combine(destination, relative));
        if (!full.StartsWith(destination.TrimEnd(Path.DirectorySeparatorChar) + Path.DirectorySeparatorChar, StringComparison.Ordinal))
            throw new ClusterBackupException(ErrorKind.InvalidData, name, $"Object name '{name}' would be restored outside '{destination}'.");
        return full;
    }
}
