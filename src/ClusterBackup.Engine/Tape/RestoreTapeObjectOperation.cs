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
    public required IReadOnlyCollection<Guid> ObjectIds { get; init; }
    /// <summary>Folder the objects are restored into, under their tape names.</summary>
    public required string Destination { get; init; }
    public bool Force { get; init; }
    /// <summary>Read with this drive; default: a free one.</summary>
    public string? Drive { get; init; }
}

/// <summary>One restored object.</summary>
public sealed record RestoreTapeObjectResult(Guid ObjectId, string Name, string Path, long Length, string Sha256, string Barcodes, int MirrorLevel);

/// <summary>
/// Restore-TapeObject and `clusterbackup tape restore`: restores tape objects byte-identical (checked by SHA-256 against the ObjectEnd record and the
/// catalog). Objects that share a tape stream are read in one pass. When a copy cannot be read (a
/// damaged block, a missing cartridge) the next copy (a mirror) is tried.
/// </summary>
public sealed class RestoreTapeObjectOperation(CatalogDatabase catalog)
{
    public Task<IReadOnlyList<RestoreTapeObjectResult>> RunAsync(RestoreTapeObjectRequest request, IOperationReporter reporter, CancellationToken cancellationToken) =>
        Task.Run(() => Run(request, reporter, cancellationToken), cancellationToken);

    private IReadOnlyList<RestoreTapeObjectResult> Run(RestoreTapeObjectRequest request, IOperationReporter reporter, CancellationToken token)
    {
        var context = TapeContext.Open(catalog, request.LibraryPath);
        var objects = request.ObjectIds.Distinct().Select(id => context.Catalog.GetObjects(objectId: id, includeExpired: true).SingleOrDefault()
            ?? throw new ClusterBackupException(ErrorKind.ObjectNotFound, id.ToString(), $"Tape object {id} is not in the catalog.") { Cause = "TapeObjectNotFound" }).ToList();
        var destination = Path.GetFullPath(request.Destination);
        var results = new List<RestoreTapeObjectResult>();
        var pending = objects.ToDictionary(o => o.ObjectId);
        var attempt = new Dictionary<Guid, int>();
        var errors = new Dictionary<Guid, string>();
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
                    throw new ClusterBackupException(ErrorKind.ReadError, o.Name,
                        $"Object {o.Name} could not be restored from any of its {ordered.Count} copies: {errors.GetValueOrDefault(o.ObjectId, "it has no copy on tape")}");
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
                try
                {
                    var read = agent.Read(new RestoreStart(first.FirstVolumeSequence, first.FirstBlock, stream.SessionId), group.Select(g => g.Key).ToHashSet(),
                        (id, _) => sinks[id] = new FileObjectSink(TargetPath(destination, pending[id].Name), request.Force), token);
                    foreach (var r in read.Where(r => r.Complete))
                    {
                        var o = pending[r.ObjectId];
                        if (!string.Equals(r.Sha256, o.Sha256, StringComparison.OrdinalIgnoreCase))
                            throw new ClusterBackupException(ErrorKind.InvalidData, o.Name, $"Object {o.Name} read from tape has SHA-256 {r.Sha256}; the catalog recorded {o.Sha256}.");
                        var copy = group.First(g => g.Key == r.ObjectId).Value;
                        results.Add(new RestoreTapeObjectResult(o.ObjectId, o.Name, sinks[o.ObjectId].Path, r.Length, r.Sha256, string.Join(",", copy.Barcodes), copy.MirrorLevel));
                        pending.Remove(o.ObjectId);
                    }
                    foreach (var (id, _) in group.Where(g => pending.ContainsKey(g.Key)))
                    {
                        errors[id] = read.FirstOrDefault(r => r.ObjectId == id)?.Note ?? "not found where the catalog places it";
                        attempt[id] = attempt.GetValueOrDefault(id) + 1;
                    }
                }
                catch (ClusterBackupException ex) when (ex.Kind is ErrorKind.InvalidData or ErrorKind.ReadError or ErrorKind.ResourceUnavailable or ErrorKind.ObjectNotFound)
                {
                    reporter.Warning($"{ex.Message} Trying the next copy of the objects read from this stream.");
                    // Objects that were complete (length and SHA-256 checked) before the failure stay restored.
                    foreach (var (id, sink) in sinks.Where(s => s.Value.Completed && pending.ContainsKey(s.Key)))
                    {
                        var o = pending[id];
                        var copy = group.First(g => g.Key == id).Value;
                        results.Add(new RestoreTapeObjectResult(id, o.Name, sink.Path, o.Length, o.Sha256, string.Join(",", copy.Barcodes), copy.MirrorLevel));
                        pending.Remove(id);
                    }
                    foreach (var (id, _) in group.Where(g => pending.ContainsKey(g.Key)))
                    {
                        errors[id] = ex.Message;
                        attempt[id] = attempt.GetValueOrDefault(id) + 1;
                    }
                }
            }
        }
        reporter.Completed("Restoring from tape");
        return results;
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
