using ClusterBackup.Engine.Catalog;
using ClusterBackup.Engine.Common;
using ClusterBackup.Engine.Tape.Agents;
using ClusterBackup.Engine.Tape.Library;

namespace ClusterBackup.Engine.Tape;

/// <summary>Which tape copies to read back.</summary>
public sealed record TestTapeObjectRequest
{
    /// <summary>The tape library folder; default $CLUSTERBACKUP_TAPE_LIBRARY.</summary>
    public string? LibraryPath { get; init; }
    /// <summary>A media-agent configuration whose changer and drives to read with (docs/media-agent-configuration.md); default the virtual library.</summary>
    public string? ConfigurationPath { get; init; }
    /// <summary>The objects whose copies to verify; null verifies every object.</summary>
    public IReadOnlyCollection<Guid>? ObjectIds { get; init; }
    /// <summary>Read copies already verified too; by default only copies not yet verified are read.</summary>
    public bool All { get; init; }
    /// <summary>Read with this drive; default a free one.</summary>
    public string? Drive { get; init; }
}

/// <summary>The outcome of verifying one copy of one object.</summary>
public sealed record TapeCopyVerification(Guid ObjectId, string Name, Guid StreamId, string Agent, int MirrorLevel, string Barcodes, bool Verified, string? Error);

/// <summary>
/// Test-TapeObject and `clusterbackup tape verify`: reads copies back from tape and checks every record and every object's length and SHA-256; a copy
/// that passes is marked verified in the catalog (the retention rule counts only verified copies).
/// One pass per tape stream, however many objects it holds.
/// </summary>
public sealed class TestTapeObjectOperation(CatalogDatabase catalog, ITapeLibraryFactory libraries)
{
    public Task<IReadOnlyList<TapeCopyVerification>> RunAsync(TestTapeObjectRequest request, IOperationReporter reporter, CancellationToken cancellationToken) =>
        Task.Run(() => Verify(TapeContext.OpenFor(catalog, libraries, request.LibraryPath, request.ConfigurationPath), request.ObjectIds, !request.All, request.Drive, reporter, cancellationToken), cancellationToken);

    /// <summary>Verifies copies with an already opened library; a tape backup with -Verify reads its new copies back through it.</summary>
    internal static IReadOnlyList<TapeCopyVerification> Verify(TapeContext context, IReadOnlyCollection<Guid>? objectIds, bool onlyUnverified, string? drive,
        IOperationReporter reporter, CancellationToken token)
    {
        var objects = context.Catalog.GetObjects(includeExpired: true)
            .Where(o => objectIds is null || objectIds.Contains(o.ObjectId)).ToList();
        var copies = objects.SelectMany(o => o.Copies.Where(c => !onlyUnverified || !c.Verified).Select(c => (Object: o, Copy: c))).ToList();
        var results = new List<TapeCopyVerification>();
        var done = 0;
        foreach (var group in copies.GroupBy(c => c.Copy.StreamId))
        {
            token.ThrowIfCancellationRequested();
            var stream = context.Catalog.GetStream(group.Key);
            var readDrive = drive ?? context.FreeDrive();
            var agent = new RestoreMediaAgent("verify", new CatalogReadVolumes(context.Library, readDrive, stream));
            var first = group.OrderBy(c => c.Copy.FirstVolumeSequence).ThenBy(c => c.Copy.FirstBlock).First().Copy;
            var wanted = group.Select(c => c.Object.ObjectId).ToHashSet();
            reporter.Progress("Verifying tape copies", $"stream of agent {stream.Agent} on {string.Join(",", stream.Volumes.Select(v => v.Barcode))}", copies.Count == 0 ? 0 : done * 100 / copies.Count);
            IReadOnlyList<RestoredObject> read;
            string? failure = null;
            try
            {
                read = agent.Read(new RestoreStart(first.FirstVolumeSequence, first.FirstBlock, stream.SessionId), wanted, (_, _) => new NullObjectSink(), token);
            }
            catch (ClusterBackupException ex)
            {
                read = [];
                failure = ex.Message;
                reporter.Warning(ex.Message);
            }
            foreach (var (o, copy) in group)
            {
                var r = read.FirstOrDefault(x => x.ObjectId == o.ObjectId);
                var ok = r is { Complete: true } && r.Length == o.Length && string.Equals(r.Sha256, o.Sha256, StringComparison.OrdinalIgnoreCase);
                if (ok)
                    context.Catalog.MarkCopyVerified(o.ObjectId, copy.StreamId, DateTimeOffset.UtcNow);
                results.Add(new TapeCopyVerification(o.ObjectId, o.Name, copy.StreamId, copy.Agent, copy.MirrorLevel, string.Join(",", copy.Barcodes), ok,
                    ok ? null : failure ?? r?.Note ?? (r is null ? "not found on tape" : $"SHA-256 {r.Sha256} differs from the catalog's {o.Sha256}")));
                done++;
            }
        }
        reporter.Completed("Verifying tape copies");
        return results;
    }
}
