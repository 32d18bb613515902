using ClusterBackup.Engine.Catalog;
using ClusterBackup.Engine.Common;
using ClusterBackup.Engine.Tape.Agents;
using ClusterBackup.Engine.Tape.Drives;
using ClusterBackup.Engine.Tape.Format;

namespace ClusterBackup.Engine.Tape.Library;

/// <summary>
/// Hands cartridges of a pool to the agents of one job, one at a time per cartridge: appendable ones
/// first, then labelled scratch ones, then blank cartridges of the library, which it labels for the pool.
/// A cartridge given to one agent is never given to another in the same job, so no object lands twice
/// on one tape. With <paramref name="writer"/>, the library's writer lock of the job, every virtual cartridge it loads is fenced
/// with the lock's token (<see cref="VirtualTapeDrive.FenceWith"/>) before anything is written to it; on a cartridge in any other drive,
/// every session header carries the token, and the last session's header is checked before appending (<see cref="TapeSessionFence"/>).
/// </summary>
public sealed class VolumeAllocator(ITapeLibrary library, TapeCatalog catalog, IOperationReporter reporter, WriterLock? writer = null)
{
    private readonly object _gate = new();
    private readonly WriterLock? _writer = writer;
    private readonly HashSet<string> _inUse = new(StringComparer.OrdinalIgnoreCase);
    private readonly HashSet<string> _usedByJob = new(StringComparer.OrdinalIgnoreCase);

    /// <summary>The library whose cartridges are handed out: virtual, or a changer.</summary>
    public ITapeLibrary Library => library;
    public TapeCatalog Catalog => catalog;
    public IOperationReporter Reporter => reporter;

    /// <summary>Never hands out these cartridges in this job (a copy must not write onto the tapes it reads).</summary>
    public void Exclude(IEnumerable<string> barcodes)
    {
        lock (_gate)
            _usedByJob.UnionWith(barcodes);
    }

    /// <summary>A volume source for one agent writing to <paramref name="drive"/> in <paramref name="pool"/>.</summary>
    public IVolumeSource For(string drive, string pool, int blockSize, bool dedicatedVolumes = false) =>
        new AgentVolumes(this, drive, pool, blockSize, dedicatedVolumes);

    private (string Barcode, bool NeedsLabel) Reserve(string pool, int blockSize, bool dedicated, string agentDrive)
    {
        lock (_gate)
        {
            var inLibrary = library.GetCartridges().Where(c => c.Location != CartridgeLocation.Exported
                && (c.Drive is null || string.Equals(c.Drive, agentDrive, StringComparison.OrdinalIgnoreCase))).ToList();
            var known = catalog.GetCartridges().ToDictionary(c => c.Barcode, StringComparer.OrdinalIgnoreCase);
            bool Free(string barcode) => !_inUse.Contains(barcode) && !_usedByJob.Contains(barcode);
            var labelled = inLibrary.Where(c => known.TryGetValue(c.Barcode, out var k) && Free(c.Barcode)
                    && string.Equals(k.Pool, pool, StringComparison.OrdinalIgnoreCase) && k.BlockSize == blockSize)
                .Select(c => known[c.Barcode]).ToList();
            var pick = (dedicated ? null : labelled.FirstOrDefault(c => c.Status == CartridgeStatus.Appendable))
                       ?? labelled.FirstOrDefault(c => c.Status == CartridgeStatus.Scratch);
            if (pick is not null)
            {
                _inUse.Add(pick.Barcode);
                _usedByJob.Add(pick.Barcode);
                return (pick.Barcode, false);
            }
            var blank = inLibrary.FirstOrDefault(c => !known.ContainsKey(c.Barcode) && c.BytesUsed == 0 && Free(c.Barcode)) // a changer reports -1: never labelled on its own
                ?? throw new ClusterBackupException(ErrorKind.ResourceUnavailable, pool,
                    $"No cartridge is available for pool {pool} in library {library.Name}: add blank cartridges (Add-TapeCartridge) or label scratch ones for the pool (Initialize-TapeCartridge).");
            _inUse.Add(blank.Barcode);
            _usedByJob.Add(blank.Barcode);
            return (blank.Barcode, true);
        }
    }

    private void Release(string barcode)
    {
        lock (_gate)
            _inUse.Remove(barcode);
    }

    /// <summary>Labels the cartridge in <paramref name="drive"/> for <paramref name="pool"/> and records it; erases the tape.</summary>
    public static VolumeLabel Label(ITapeDrive drive, string barcode, string pool, int blockSize, TapeCatalog catalog, string? libraryName)
    {
        var label = new VolumeLabel(TapeFormat.Version, barcode, pool, Guid.NewGuid(), blockSize, DateTimeOffset.UtcNow);
        TapeBlockBuilder.WriteLabel(drive, label);
        catalog.EnsurePool(pool, blockSize);
        catalog.RecordLabel(barcode, label.VolumeId, pool, blockSize, label.Created, libraryName);
        return label;
    }

    /// <summary>Fences a virtual cartridge just loaded with the job's writer lock; a real drive's fence is on tape (docs/tape-format.md, "Fencing").</summary>
    public void Fence(ITapeDrive tape)
    {
        if (_writer is not null && tape is VirtualTapeDrive virtualDrive)
            virtualDrive.FenceWith(_writer, library.Name);
    }

    private sealed class AgentVolumes(VolumeAllocator owner, string drive, string pool, int blockSize, bool dedicated) : IVolumeSource
    {
        public MountedVolume Mount(int volumeSequence)
        {
            var (barcode, needsLabel) = owner.Reserve(pool, blockSize, dedicated, drive);
            try
            {
                var tape = owner.Library.Load(drive, barcode);
                owner.Fence(tape);
                VolumeLabel label;
                if (needsLabel)
                {
                    label = Label(tape, barcode, pool, blockSize, owner.Catalog, owner.Library.Name);
                    owner.Reporter.Verbose($"Labelled blank cartridge {barcode} for pool {pool} in drive {drive}.");
                }
                else
                {
                    label = new TapeVolumeReader(tape, barcode).ReadLabel(barcode);
                    var known = owner.Catalog.GetCartridge(barcode)!;
                    if (known.VolumeId != label.VolumeId)
                        throw new ClusterBackupException(ErrorKind.InvalidData, barcode,
                            $"Tape {barcode} carries volume id {label.VolumeId}, but the catalog knows it as {known.VolumeId}; it was relabelled elsewhere. Initialize it again before use.");
                }
                if (tape is VirtualTapeDrive { TornTailBytes: > 0 } torn)
                    owner.Reporter.Warning($"Tape {barcode} ends in a record torn by an interrupted write ({torn.TornTailBytes} bytes); its data ends at the last complete block, and the torn bytes are overwritten.");
                tape.SeekToEndOfData();
                // Before anything is written, the interrupted session's file mark included: a virtual cartridge's fence was checked when it was
                // loaded (and is before every block); a real tape's is the token in its last session header.
                if (owner._writer is not null && tape is not VirtualTapeDrive)
                    TapeSessionFence.Check(tape, barcode, owner.Library.Name, owner._writer, owner.Reporter);
                var position = tape.Position;
                if (position.BlockInFile > 0)
                {
                    // The last session on the tape was interrupted before its file mark: close its tape file, then append a new one.
                    owner.Reporter.Warning($"Tape {barcode} ends inside an interrupted session (tape file {position.FileNumber}, {position.BlockInFile} blocks, no file mark); closing it with a file mark and appending after it.");
                    tape.WriteFileMark();
                    position = tape.Position;
                }
                // Block numbers count blocks only; the drive's logical position counts file marks too.
                var nextBlock = position.LogicalBlock - position.FileNumber;
                owner.Reporter.Verbose($"Mounted {barcode} ({pool}) in {drive} at file {position.FileNumber}, block {nextBlock}.");
                return new MountedVolume(tape, label, nextBlock, position.FileNumber);
            }
            catch
            {
                owner.Release(barcode);
                throw;
            }
        }

        public SessionDescriptor Sign(SessionDescriptor session) => owner._writer is { } writer
            ? session with { WriterToken = writer.Token, WriterLibrary = owner.Library.Name, WriterHolder = writer.Holder }
            : session;

        public void Dismount(MountedVolume volume, long nextBlock, int nextFile, bool full)
        {
            var status = full ? CartridgeStatus.Full : dedicated ? CartridgeStatus.Closed : CartridgeStatus.Appendable;
            owner.Catalog.UpdateCartridge(volume.Label.Barcode, status, nextBlock, nextFile);
            owner.Library.Unload(drive);
            owner.Release(volume.Label.Barcode);
        }
    }
}
