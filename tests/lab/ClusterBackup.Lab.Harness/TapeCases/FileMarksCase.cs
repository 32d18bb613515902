using ClusterBackup.Engine.Tape.Drives;

namespace ClusterBackup.Lab.Harness.TapeCases;

/// <summary>
/// Three tape files of records of different sizes, each closed by a file mark; read back in order (blocks, file
/// marks, end of data), then spacing over file marks and over blocks lands on the expected record, and appending
/// after the end of data (MTEOM) adds a fourth file.
/// </summary>
public sealed class FileMarksCase : ITapeCase
{
    private static readonly int[][] Files = [[4096, 65536, 102400], [32768, 262144], [1024, 8192, 65536, 512]];

    public string Name => "filemarks-and-spacing";
    public IReadOnlyList<string> Drives => ["a"];

    public void Run(TapeLab lab, TapeCaseResult result)
    {
        var drive = lab.Open("a");
        drive.Rewind();
        for (var f = 0; f < Files.Length; f++)
        {
            for (var r = 0; r < Files[f].Length; r++)
                drive.WriteBlock([TestBytes.Record(Seed(f, r), Files[f][r])]);
            drive.WriteFileMark();
        }
        var buffer = new byte[TapeFormatLimits.ReadBuffer];

        drive.Rewind();
        var sequence = new List<string>();
        var identical = true;
        int file = 0, record = 0;
        for (var i = 0; i < 32; i++)
        {
            var read = drive.ReadBlock(buffer);
            if (read.Kind == TapeReadKind.Block)
            {
                sequence.Add($"B{read.Length}");
                if (file < Files.Length)
                    identical &= record < Files[file].Length
                                 && buffer.AsSpan(0, read.Length).SequenceEqual(TestBytes.Record(Seed(file, record), Files[file][record]));
                record++;
            }
            else if (read.Kind == TapeReadKind.FileMark)
            {
                sequence.Add("FM");
                file++;
                record = 0;
            }
            else
            {
                sequence.Add("EOD");
                break;
            }
        }
        var expected = Files.SelectMany(f => f.Select(l => $"B{l}").Append("FM")).ToList();
        result["sequence"] = string.Join(" ", sequence.Take(expected.Count));
        result["expectedSequence"] = string.Join(" ", expected);
        result["recordsIdentical"] = identical;
        result["afterLastFileMark"] = string.Join(" ", sequence.Skip(expected.Count));
        if (sequence.Count > expected.Count && sequence[expected.Count] != "EOD")
            result.Notes.Add("tgt's tape emulation keeps blocks of an earlier recording readable after a file mark written over them " +
                             "(a real drive ends the recording at the last write or file mark).");

        drive.Rewind();
        drive.SpaceFileMarks(2);
        result["afterSpaceFileMarks2"] = Which(drive, buffer);
        drive.Rewind();
        drive.SpaceFileMarks(1);
        drive.SpaceBlocks(1);
        result["afterSpaceFileMarks1Blocks1"] = Which(drive, buffer);
        result["statusInFile1"] = lab.System.Status().Status.FileNumber;

        drive.SeekToEndOfData();
        var (status, bits) = lab.System.Status();
        result["statusAtEndOfData"] = $"file {status.FileNumber} block {status.BlockNumber} {bits}";
        drive.WriteBlock([TestBytes.Record(Seed(3, 0), 20000)]);
        drive.WriteFileMark();
        drive.Rewind();
        drive.SpaceFileMarks(3);
        result["appendedAfterEndOfData"] = Which(drive, buffer);
        if (status.FileNumber != 3)
            result.Notes.Add($"After MTEOM the st driver reports file number {status.FileNumber} (a real drive: 3); the engine counts files itself and does not read it there.");
    }

    private static int Seed(int file, int record) => 1000 + file * 100 + record;

    /// <summary>Which written record the next block is, as "file/record", or what was found instead.</summary>
    private static string Which(ITapeDrive drive, byte[] buffer)
    {
        var read = drive.ReadBlock(buffer);
        if (read.Kind != TapeReadKind.Block)
            return read.Kind.ToString();
        for (var f = 0; f <= Files.Length; f++)
            for (var r = 0; r < (f < Files.Length ? Files[f].Length : 1); r++)
            {
                var length = f < Files.Length ? Files[f][r] : 20000;
                if (length == read.Length && buffer.AsSpan(0, read.Length).SequenceEqual(TestBytes.Record(Seed(f, r), length)))
                    return $"{f}/{r}";
            }
        return $"unknown {read.Length}-byte block";
    }
}

/// <summary>The read buffer the cases use: one more byte than the largest block of the tape format, as the engine's reader does.</summary>
public static class TapeFormatLimits
{
    public const int ReadBuffer = Engine.Tape.Format.TapeFormat.MaxBlockSize + 1;
}
