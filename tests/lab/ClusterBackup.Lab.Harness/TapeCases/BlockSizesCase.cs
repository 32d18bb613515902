using ClusterBackup.Engine.Common;
using ClusterBackup.Engine;
using ClusterBackup.Engine.Tape.Drives;

namespace ClusterBackup.Lab.Harness.TapeCases;

/// <summary>
/// Blocks of each size the tape format allows (64 KiB to 4 MiB) written through the provider in variable-block
/// mode, one file per size, and read back byte for byte.
/// </summary>
public sealed class BlockSizesCase : ITapeCase
{
    private static readonly int[] Sizes = [64 << 10, 256 << 10, 1 << 20, 4 << 20];
    private const int BlocksPerSize = 4;

    public string Name => "block-sizes";
    public IReadOnlyList<string> Drives => ["a"];

    public void Run(TapeLab lab, TapeCaseResult result)
    {
        var drive = lab.Open("a");
        drive.Rewind();
        var written = new List<int>();
        foreach (var size in Sizes)
        {
            try
            {
                for (var i = 0; i < BlocksPerSize; i++)
                    drive.WriteBlock([TestBytes.Record(size + i, size)]);
                drive.WriteFileMark();
                written.Add(size);
            }
            catch (ClusterBackupException ex)
            {
                result[$"writeError{size}"] = ex.Message;
                break;
            }
        }
        result["writtenSizes"] = written;
        var buffer = new byte[TapeFormatLimits.ReadBuffer];
        drive.Rewind();
        var identical = new Dictionary<string, bool>();
        foreach (var size in written)
        {
            var same = true;
            for (var i = 0; i < BlocksPerSize; i++)
            {
                var read = drive.ReadBlock(buffer);
                same &= read.Kind == TapeReadKind.Block && read.Length == size && buffer.AsSpan(0, size).SequenceEqual(TestBytes.Record(size + i, size));
            }
            same &= drive.ReadBlock(buffer).Kind == TapeReadKind.FileMark;
            identical[size.ToString()] = same;
        }
        result["identical"] = identical;
    }
}
