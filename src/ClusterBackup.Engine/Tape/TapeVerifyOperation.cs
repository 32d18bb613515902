using ClusterBackup.Engine.Common;
using ClusterBackup.Engine.Tape.Agents;
using ClusterBackup.Engine.Tape.Library;

namespace ClusterBackup.Engine.Tape;

/// <summary>The outcome of verifying one copy of one object.</summary>
public sealed record TapeCopyVerification(Guid ObjectId, string Name, Guid StreamId, string Agent, int MirrorLevel, string Barcodes, bool Verified, string? Error);

/// <summary>
/// Reads copies back from tape and checks every record and every object's length and SHA-256; a copy
/// that passes is marked verified in the catalog (the retention rule counts only verified copies).
/// One pass per tape stream, however many objects it holds.
/// </summary>
public static class TapeVerifyOperation
{
    public static IReadOnlyList<TapeCopyVerification> Run(TapeContext context, IReadOnlyCollection<Guid>? objectIds, bool onlyUnverified, CancellationToken token, string? drive = null)
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
            context.Reporter.Progress("Verifying tape copies", $"stream of agent {stream.Agent} on {string.Join(",", stream.Volumes.Select(v => v.Barcode))}", copies.Count == 0 ? 0 : done * 100 / copies.Count);
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
                context.Reporter.Warning(ex.Message);
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
        context.Reporter.Completed("Verifying tape copies");
        return results;
    }
}
