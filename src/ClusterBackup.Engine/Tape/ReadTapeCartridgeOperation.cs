using ClusterBackup.Engine.Catalog;
using ClusterBackup.Engine.Common;
using ClusterBackup.Engine.Tape.Agents;
using ClusterBackup.Engine.Tape.Drives;
using ClusterBackup.Engine.Tape.Format;
using ClusterBackup.Engine.Tape.Library;

namespace ClusterBackup.Engine.Tape;

/// <summary>Which cartridge to read, and with which drive.</summary>
/// <param name="LibraryPath">The tape library folder; default $CLUSTERBACKUP_TAPE_LIBRARY.</param>
/// <param name="Barcode">The cartridge to read end to end.</param>
/// <param name="Drive">The drive to read with; default a free one.</param>
public sealed record ReadTapeCartridgeRequest(string? LibraryPath, string Barcode, string? Drive = null);

/// <summary>An object as found on a cartridge by reading it (not from the catalog).</summary>
public sealed record TapeMediaObject(string Barcode, string Pool, int FileNumber, Guid SessionId, Guid ObjectId, string Name, long Length, string? Sha256,
    long FirstBlock, long LastBlock, bool Complete, string? Note, bool InCatalog);

/// <summary>
/// Get-TapeObject -FromMedia and `clusterbackup tape list --from-media`: what is on a cartridge, read from the
/// media itself end to end rather than from the catalog. Reading checks every block and every complete object's
/// SHA-256, so it is also a verification; each object found says whether the catalog knows it.
/// </summary>
public sealed class ReadTapeCartridgeOperation(CatalogDatabase catalog, ITapeLibraryFactory libraries)
{
    public Task<IReadOnlyList<TapeMediaObject>> RunAsync(ReadTapeCartridgeRequest request, IOperationReporter reporter, CancellationToken cancellationToken) =>
        Task.Run(() => Run(request, reporter, cancellationToken), cancellationToken);

    private IReadOnlyList<TapeMediaObject> Run(ReadTapeCartridgeRequest request, IOperationReporter reporter, CancellationToken token)
    {
        var context = TapeContext.Open(catalog, libraries, request.LibraryPath);
        var barcode = request.Barcode;
        var readDrive = request.Drive ?? context.FreeDrive();
        var tape = context.Library.Load(readDrive, barcode);
        try
        {
            var label = new TapeVolumeReader(tape, barcode).ReadLabel();
            var known = context.Catalog.GetObjects(includeExpired: true).Select(o => o.ObjectId).ToHashSet();
            var found = new List<TapeMediaObject>();
            for (var file = 1; ; file++)
            {
                token.ThrowIfCancellationRequested();
                if (!FileHasBlocks(tape, file))
                    break;
                var agent = new RestoreMediaAgent("list", new FileReadVolume(tape, barcode, file));
                var read = agent.Read(new RestoreStart(0, null, null), null, (_, _) => new NullObjectSink(), token);
                reporter.Progress($"Reading tape {barcode}", $"file {file}: {read.Count} objects", -1);
                found.AddRange(read.Select(r => new TapeMediaObject(label.Barcode, label.Pool, file, r.SessionId, r.ObjectId, r.Name, r.Length,
                    r.Complete ? r.Sha256 : null, r.FirstBlock, r.LastBlock, r.Complete, r.Note, known.Contains(r.ObjectId))));
            }
            reporter.Completed($"Reading tape {barcode}");
            return found;
        }
        finally
        {
            context.Library.Unload(readDrive);
        }
    }

    /// <summary>True when tape file <paramref name="file"/> exists and starts with a block.</summary>
    private static bool FileHasBlocks(ITapeDrive drive, int file)
    {
        drive.Rewind();
        try
        {
            drive.SpaceFileMarks(file);
        }
        catch (ClusterBackupException ex) when (ex.Kind == ErrorKind.ReadError)
        {
            return false;
        }
        var probe = new byte[TapeFormat.MaxBlockSize + 1];
        return drive.ReadBlock(probe).Kind == TapeReadKind.Block;
    }

    /// <summary>One tape file of an already loaded cartridge.</summary>
    private sealed class FileReadVolume(ITapeDrive drive, string barcode, int file) : IReadVolumeSource
    {
        public ReadVolume? Mount(int volumeSequence) => volumeSequence == 0 ? new ReadVolume(drive, barcode, file, null) : null;

        public void Dismount(ReadVolume volume) { }
    }
}
