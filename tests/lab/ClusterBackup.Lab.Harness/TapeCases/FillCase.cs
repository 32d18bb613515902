using ClusterBackup.Engine.Common;
using ClusterBackup.Engine;
using ClusterBackup.Engine.Tape.Drives;

namespace ClusterBackup.Lab.Harness.TapeCases;

/// <summary>
/// Fills the small cartridge with 64 KiB blocks through the provider until it reports the end of the medium,
/// noting where it reported early warning; closes the file with a file mark, and reads everything back: every
/// block the provider called written must be on the tape, in order, and nothing else.
/// </summary>
public sealed class FillCase : ITapeCase
{
    private const int BlockSize = 64 << 10;
    private const int MaxBlocks = 4096;
    private const int BlocksPastEarlyWarning = 8;

    public string Name => "fill";
    public IReadOnlyList<string> Drives => ["small"];

    public void Run(TapeLab lab, TapeCaseResult result)
    {
        var drive = lab.Open("small");
        drive.Rewind();
        var written = 0;
        int? earlyWarningAt = null;
        string? end = null;
        // Past early warning a few more blocks show what the drive does there; a real drive reaches its hard end
        // soon after, the emulation may never (it lets every other write through).
        for (var i = 0; i < MaxBlocks && end is null && (earlyWarningAt is null || i <= earlyWarningAt + BlocksPastEarlyWarning); i++)
        {
            try
            {
                var outcome = drive.WriteBlock([TestBytes.Record(i, BlockSize)]);
                written++;
                if (outcome == TapeWriteOutcome.WrittenEarlyWarning && earlyWarningAt is null)
                {
                    earlyWarningAt = i;
                    result["statusAtEarlyWarning"] = lab.System.Status().Bits;
                }
            }
            catch (TapeEndOfMediumException ex)
            {
                end = $"{nameof(TapeEndOfMediumException)}: {ex.Message}";
            }
        }
        result["blocksReportedWritten"] = written;
        result["earlyWarningAtBlock"] = earlyWarningAt;
        result["end"] = end;
        if (end is null && earlyWarningAt is not null)
            result.Notes.Add($"The emulated cartridge has no hard end: {BlocksPastEarlyWarning} blocks after early warning were all written " +
                             "(st refuses every other write with ENOSPC and the provider's retry writes it); the end-of-medium path is unverified here.");
        result["capacityBlocks"] = lab.Drive("small").SizeMegabytes * (1 << 20) / BlockSize;
        try
        {
            drive.WriteFileMark();
            result["fileMarkAfterEnd"] = "written";
        }
        catch (ClusterBackupException ex)
        {
            result["fileMarkAfterEnd"] = ex.Message;
        }

        drive.Rewind();
        var buffer = new byte[TapeFormatLimits.ReadBuffer];
        var readBack = 0;
        var inOrder = true;
        string last = "";
        while (readBack < MaxBlocks)
        {
            TapeReadResult read;
            try
            {
                read = drive.ReadBlock(buffer);
            }
            catch (ClusterBackupException ex)
            {
                last = ex.Message;
                break;
            }
            if (read.Kind != TapeReadKind.Block)
            {
                last = read.Kind.ToString();
                break;
            }
            inOrder &= read.Length == BlockSize && buffer.AsSpan(0, BlockSize).SequenceEqual(TestBytes.Record(readBack, BlockSize));
            readBack++;
        }
        result["blocksReadBack"] = readBack;
        result["readBackInOrder"] = inOrder;
        result["afterLastBlock"] = last;
    }
}
