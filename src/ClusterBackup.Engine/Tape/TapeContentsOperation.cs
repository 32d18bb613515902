using ClusterBackup.Engine.Catalog;
using ClusterBackup.Engine.Common;
using ClusterBackup.Engine.Tape.Agents;
using ClusterBackup.Engine.Tape.Format;

namespace ClusterBackup.Engine.Tape;

/// <summary>An object as found on a cartridge by reading it (not from the catalog).</summary>
public sealed record TapeMediaObject(string Barcode, string Pool, int FileNumber, Guid SessionId, Guid ObjectId, string Name, long Length, string? Sha256,
    long FirstBlock, long LastBlock, bool Complete, string? Note, bool InCatalog);

/// <summary>
/// What is on tape: from the catalog (fast), or from the media itself by reading a cartridge end to end;
/// reading checks every block and every complete object's SHA-256, so it is also a verification.
/// </summary>
public static class TapeContentsOperation
{
    public static IReadOnlyList<TapeObject> FromCatalog(TapeContext context, string? barcode, Guid? backupSetId, bool includeExpired) =>
        context.Catalog.GetObjects(backupSetId: backupSetId, barcode: barcode, includeExpired: includeExpired);

    public static IReadOnlyList<TapeMediaObject> FromMedia(TapeContext context, string barcode, string? drive, CancellationToken token)
    {
        var readDrive = drive ?? context.FreeDrive();
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
                context.Reporter.Progress($"Reading tape {barcode}", $"file {file}: {read.Count} objects", -1);
                found.AddRange(read.Select(r => new TapeMediaObject(label.Barcode, label.Pool, file, r.SessionId, r.ObjectId, r.Name, r.Length,
                    r.Complete ? r.Sha256 : null, r.FirstBlock, r.LastBlock, r.Complete, r.Note, known.Contains(r.ObjectId))));
            }
            context.Reporter.Completed($"Reading tape {barcode}");
            return found;
        }
        finally
        {
            context.Library.Unload(readDrive);
        }
    }

    /// <summary>True when tape file <paramref name="file"/> exists and starts with a block.</summary>
    private static bool FileHasBlocks(Drives.ITapeDrive drive, int file)
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
        return drive.ReadBlock(probe).Kind == Drives.TapeReadKind.Block;
    }

    /// <summary>One tape file of an already loaded cartridge.</summary>
    private sealed class FileReadVolume(Drives.ITapeDrive drive, string barcode, int file) : IReadVolumeSource
    {
        public ReadVolume? Mount(int volumeSequence) => volumeSequence == 0 ? new ReadVolume(drive, barcode, file, null) : null;

        public void Dismount(ReadVolume volume) { }
    }
}
