using ClusterBackup.Engine.Common;
using ClusterBackup.Engine.Tape.Drives;
using ClusterBackup.Engine.Tape.Format;

namespace ClusterBackup.Engine.Tape.Library;

/// <summary>
/// The fence of a cartridge in a real drive (Linux st, Windows tape), which has no fence file beside it (docs/tape-format.md,
/// "Fencing"): every session header a writer writes carries its writer lock's fencing token and library, and a writer about to append
/// after the end of data reads the header of the last session on the tape first, and refuses when that session was written under the
/// same library's lock with a higher token than its own: its lock was lost and taken over, and the new holder has written here since.
/// </summary>
public static class TapeSessionFence
{
    /// <summary>
    /// With <paramref name="tape"/> at its end of data: reads the last session's header and refuses (ResourceBusy, cause WriterFenced) when
    /// it carries a higher token of <paramref name="library"/> than <paramref name="writer"/>'s; leaves the tape at its end of data again.
    /// A header that cannot be read is reported and does not stop the append (it would stop every later one too).
    /// </summary>
    public static void Check(ITapeDrive tape, string barcode, string library, WriterLock writer, IOperationReporter reporter)
    {
        var end = tape.Position;
        // An interrupted session has no file mark yet: the head stands inside it. Otherwise the last session is the file before.
        var lastFile = end.BlockInFile > 0 ? end.FileNumber : end.FileNumber - 1;
        if (lastFile < 1)
            return;
        SessionDescriptor? last = null;
        try
        {
            last = ReadSessionHeader(tape, barcode, lastFile);
        }
        catch (ClusterBackupException ex)
        {
            reporter.Warning($"Tape {barcode}: the header of its last session (tape file {lastFile}) cannot be read, so the fencing token it was written with is unknown; appending after it. {ex.Message}");
        }
        finally
        {
            tape.SeekToEndOfData();
        }
        if (last is not null && last.WriterToken > writer.Token && string.Equals(last.WriterLibrary, library, StringComparison.OrdinalIgnoreCase))
            throw writer.Fenced(barcode, $"tape {barcode} of tape library {library} (its last session {last.SessionId}, tape file {lastFile})", last.WriterToken, last.WriterHolder);
    }

    /// <summary>The SessionStart or SessionContinue record that opens tape file <paramref name="fileNumber"/>; null when the file opens otherwise.</summary>
    private static SessionDescriptor? ReadSessionHeader(ITapeDrive tape, string barcode, int fileNumber)
    {
        var reader = new TapeVolumeReader(tape, barcode);
        reader.ReadLabel(barcode);
        reader.SeekFile(fileNumber);
        var block = reader.ReadBlock(endOfDataIsNull: true);
        if (block is null || block.Records.Count == 0)
            return null;
        var first = block.Records[0];
        return first.Header.Type is TapeRecordType.SessionStart or TapeRecordType.SessionContinue
            ? TapeRecordCodec.DecodeSession(reader.Data(first), barcode, block.Header.BlockNumber, first.Header.Type)
            : null;
    }
}
