using ClusterBackup.Engine.Catalog;
using ClusterBackup.Engine.Common;
using ClusterBackup.Engine.Tape.Agents;
using ClusterBackup.Engine.Tape.Format;
using ClusterBackup.Engine.Tape.Library;

namespace ClusterBackup.Engine.Tape;

/// <summary>The four uses of a copy group.</summary>
public enum TapeCopyMode
{
    /// <summary>Only live objects of the given volumes, packed onto new tapes.</summary>
    Compaction,
    /// <summary>Every object of the given volumes (expired ones too) rewritten onto new tapes.</summary>
    Refresh,
    /// <summary>One object per tape.</summary>
    Demultiplex,
    /// <summary>To another pool or block size.</summary>
    Migration,
}

/// <summary>What to copy (objects, or the objects on some cartridges), in which mode, onto which pool and drives.</summary>
public sealed record CopyTapeObjectRequest
{
    /// <summary>The tape library folder; default $CLUSTERBACKUP_TAPE_LIBRARY.</summary>
    public string? LibraryPath { get; init; }
    public TapeCopyMode Mode { get; init; }
    /// <summary>Objects to copy; or give <see cref="Barcodes"/>.</summary>
    public IReadOnlyCollection<Guid>? ObjectIds { get; init; }
    /// <summary>Copy the objects on these volumes.</summary>
    public IReadOnlyCollection<string>? Barcodes { get; init; }
    /// <summary>The pool of the new copies.</summary>
    public required string Pool { get; init; }
    /// <summary>Block size of the new copies; default the source stream's.</summary>
    public int? BlockSize { get; init; }
    /// <summary>The drive the copy agent writes with.</summary>
    public required string Drive { get; init; }
    /// <summary>The drive the restore agent reads with; default a free one.</summary>
    public string? ReadDrive { get; init; }
    /// <summary>
    /// Drives of cascaded mirror copies written in the same pass: the first writes mirror level 1 (a copy of the
    /// new copy, daisy-chained from its buffer), the next level 2, and so on. Each needs a drive of its own.
    /// </summary>
    public IReadOnlyList<string> MirrorDrives { get; init; } = [];
    public int MaxObjectsPerPass { get; init; } = 16;
}

/// <summary>One tape object copied to new cartridges.</summary>
/// <param name="ObjectId">The object copied.</param>
/// <param name="Name">The object's name.</param>
/// <param name="Length">The object's length in bytes.</param>
/// <param name="Sha256">The object's SHA-256, checked on the new copy.</param>
/// <param name="FromBarcodes">The cartridges it was read from.</param>
/// <param name="ToBarcodes">The cartridges of the new copy.</param>
/// <param name="SessionId">The tape session that wrote the copy.</param>
/// <param name="Mode">How the copy was made.</param>
/// <param name="MirrorBarcodes">The cartridges of its mirror copies, level by level; empty without mirrors.</param>
public sealed record CopyTapeObjectResult(Guid ObjectId, string Name, long Length, string Sha256, string FromBarcodes, string ToBarcodes, Guid SessionId, TapeCopyMode Mode,
    string MirrorBarcodes = "");

/// <summary>
/// Copy-TapeObject and `clusterbackup tape copy`, through a copy group: a restore media agent reads the source stream and splits it
/// by object into per-object buffers; each buffer feeds a backup media agent that writes the new copy.
/// Objects keep their identity (same object id, a new copy in the catalog) and are checked by SHA-256 on
/// both sides.
/// </summary>
public sealed class CopyTapeObjectOperation(CatalogDatabase catalog, ITapeLibraryFactory libraries)
{
    public Task<IReadOnlyList<CopyTapeObjectResult>> RunAsync(CopyTapeObjectRequest request, IOperationReporter reporter, CancellationToken cancellationToken) =>
        Task.Run(() => Run(request, reporter, cancellationToken), cancellationToken);

    private IReadOnlyList<CopyTapeObjectResult> Run(CopyTapeObjectRequest request, IOperationReporter reporter, CancellationToken token)
    {
        var context = TapeContext.Open(catalog, libraries, request.LibraryPath);
        // One writer per library for the whole copy: no other session picks the cartridges it writes.
        using var writerLock = context.LockForWriting($"tape copy ({request.Mode})", token);
        if (request.ObjectIds is null && request.Barcodes is null)
            throw new ClusterBackupException(ErrorKind.InvalidArgument, "copy", "Name the objects to copy or the volumes to copy from.");
        if (request.BlockSize is { } bs)
            TapeFormat.ValidateBlockSize(bs, request.Pool);
        var barcodes = request.Barcodes?.ToHashSet(StringComparer.OrdinalIgnoreCase);
        var includeExpired = request.Mode == TapeCopyMode.Refresh;
        var objects = context.Catalog.GetObjects(includeExpired: true)
            .Where(o => request.ObjectIds is null || request.ObjectIds.Contains(o.ObjectId))
            .Where(o => barcodes is null || o.Copies.Any(c => c.Barcodes.Any(barcodes.Contains)))
            .Where(o => includeExpired || o.Status == TapeObjectStatus.Live || request.ObjectIds is not null)
            .ToList();
        if (request.ObjectIds is not null)
            foreach (var id in request.ObjectIds.Where(id => objects.All(o => o.ObjectId != id)))
                throw new ClusterBackupException(ErrorKind.ObjectNotFound, id.ToString(), $"Tape object {id} is not in the catalog.") { Cause = "TapeObjectNotFound" };
        var readDrive = request.ReadDrive ?? context.FreeDrive([request.Drive, .. request.MirrorDrives]);
        if (string.Equals(readDrive, request.Drive, StringComparison.OrdinalIgnoreCase))
            throw new ClusterBackupException(ErrorKind.InvalidArgument, readDrive, $"The copy reads and writes with drive {readDrive}; a copy group needs two drives.");
        var drivesOfTheCopy = new List<string> { readDrive, request.Drive };
        foreach (var mirror in request.MirrorDrives)
        {
            if (drivesOfTheCopy.Contains(mirror, StringComparer.OrdinalIgnoreCase))
                throw new ClusterBackupException(ErrorKind.InvalidArgument, mirror,
                    $"Drive {mirror} is named twice in the copy (reading with {readDrive}, writing with {request.Drive}, mirrors on {string.Join(", ", request.MirrorDrives)}); every copy needs a drive of its own.");
            drivesOfTheCopy.Add(mirror);
        }
        foreach (var drive in drivesOfTheCopy)
            context.Library.GetDrive(drive);

        // The source copy of each object: on the named volumes when given, else verified first, lowest mirror level first.
        var sources = objects.Select(o => (Object: o, Copy: o.Copies
                .Where(c => barcodes is null || c.Barcodes.Any(barcodes.Contains))
                .OrderByDescending(c => c.Verified).ThenBy(c => c.MirrorLevel).FirstOrDefault()
            ?? throw new ClusterBackupException(ErrorKind.ObjectNotFound, o.Name, $"Object {o.Name} has no copy on tape to copy from.")))
            .ToList();
        var passes = new List<List<(TapeObject Object, TapeObjectCopy Copy)>>();
        foreach (var group in sources.GroupBy(s => s.Copy.StreamId))
        {
            var size = request.Mode == TapeCopyMode.Demultiplex ? 1 : Math.Max(1, request.MaxObjectsPerPass);
            passes.AddRange(group.Chunk(size).Select(c => c.ToList()));
        }

        var results = new List<CopyTapeObjectResult>();
        foreach (var pass in passes)
        {
            token.ThrowIfCancellationRequested();
            var stream = context.Catalog.GetStream(pass[0].Copy.StreamId);
            var blockSize = request.BlockSize ?? stream.BlockSize;
            var allocator = new VolumeAllocator(context.Library, context.Catalog, reporter, writerLock);
            allocator.Exclude(stream.Volumes.Select(v => v.Barcode));
            var dedicated = request.Mode == TapeCopyMode.Demultiplex;
            var chain = new List<BackupMediaAgent> { new($"copy-{request.Mode}", 0, request.Pool, blockSize, allocator.For(request.Drive, request.Pool, blockSize, dedicated)) };
            for (var level = 1; level <= request.MirrorDrives.Count; level++)
                chain.Add(new BackupMediaAgent($"copy-{request.Mode}-mirror{level}", level, request.Pool, blockSize,
                    allocator.For(request.MirrorDrives[level - 1], request.Pool, blockSize, dedicated)));
            using var cancel = CancellationTokenSource.CreateLinkedTokenSource(token);
            var pipes = pass.ToDictionary(p => p.Object.ObjectId, p => new PipeObjectSource(p.Object.ObjectId, p.Object.Name, p.Object.Length,
                p.Object.BackupSetId, p.Object.SourcePath, p.Object.Sha256, cancel.Token));
            var first = pass.Select(p => p.Copy).OrderBy(c => c.FirstVolumeSequence).ThenBy(c => c.FirstBlock).First();
            var restoreAgent = new RestoreMediaAgent("copy-source", new CatalogReadVolumes(context.Library, readDrive, stream));
            Exception? readError = null;
            var reader = new Thread(() =>
            {
                try
                {
                    restoreAgent.Read(new RestoreStart(first.FirstVolumeSequence, first.FirstBlock, stream.SessionId), pipes.Keys.ToHashSet(), (id, _) => pipes[id], cancel.Token);
                }
                catch (Exception ex)
                {
                    readError = ex;
                    foreach (var pipe in pipes.Values)
                        pipe.Abort(ex);
                }
            }) { IsBackground = true, Name = "copy reader" };
            reader.Start();
            reporter.Verbose($"Copy ({request.Mode}): {pass.Count} objects from {string.Join(",", stream.Volumes.Select(v => v.Barcode))} to pool {request.Pool}.");
            var written = TapeWriteSession.Run($"copy-{request.Mode.ToString().ToLowerInvariant()}",
                pass.Select(p => new ChainedObject(pipes[p.Object.ObjectId], chain)).ToList(), reporter, cancel.Token, maxConcurrentObjects: pass.Count);
            if (written.Error is not null)
                cancel.Cancel();
            reader.Join();
            foreach (var pipe in pipes.Values)
                pipe.Dispose();
            context.Record(written, reporter);
            if (readError is not null && readError is not OperationCanceledException)
                throw readError;
            if (written.Error is not null)
                throw written.Error;
            var record = written.ToSessionRecord();
            string Barcodes(Func<int, bool> level) =>
                string.Join(",", record.Streams.Where(s => level(s.MirrorLevel)).OrderBy(s => s.MirrorLevel).SelectMany(s => s.Volumes).Select(v => v.Barcode).Distinct());
            var to = Barcodes(level => level == 0);
            var mirrors = Barcodes(level => level > 0);
            foreach (var (o, copy) in pass)
                results.Add(new CopyTapeObjectResult(o.ObjectId, o.Name, o.Length, o.Sha256, string.Join(",", copy.Barcodes), to, written.SessionId, request.Mode, mirrors));
        }
        return results;
    }
}
