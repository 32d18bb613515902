using ClusterBackup.Engine.Common;
using ClusterBackup.Engine;
using ClusterBackup.Engine.Tape.Drives;

namespace ClusterBackup.Lab.Harness.TapeCases;

/// <summary>A 128 KiB block read into a 64 KiB buffer: the provider must say the block is larger than the buffer, not return a piece of it.</summary>
public sealed class OversizedRecordCase : ITapeCase
{
    public string Name => "record-larger-than-buffer";
    public IReadOnlyList<string> Drives => ["a"];

    public void Run(TapeLab lab, TapeCaseResult result)
    {
        var drive = lab.Open("a");
        drive.Rewind();
        var big = TestBytes.Record(128, 128 << 10);
        var next = TestBytes.Record(129, 4096);
        drive.WriteBlock([big]);
        drive.WriteBlock([next]);
        drive.WriteFileMark();
        drive.Rewind();
        try
        {
            var read = drive.ReadBlock(new byte[64 << 10]);
            result["smallBufferRead"] = $"{read.Kind} {read.Length}";
        }
        catch (ClusterBackupException ex)
        {
            result["smallBufferError"] = ex.Message;
        }
        // Where the head is after the refused read: st has read past the block.
        var buffer = new byte[TapeFormatLimits.ReadBuffer];
        var after = drive.ReadBlock(buffer);
        result["nextRead"] = after.Kind == TapeReadKind.Block && buffer.AsSpan(0, after.Length).SequenceEqual(next) ? "the block after it" : $"{after.Kind} {after.Length}";
        drive.Rewind();
        var again = drive.ReadBlock(buffer);
        result["largeBufferIdentical"] = again.Length == big.Length && buffer.AsSpan(0, again.Length).SequenceEqual(big);
    }
}
