using System.Diagnostics;
using ClusterBackup.Engine.Tape.Drives;

namespace ClusterBackup.Lab.Harness.TapeCases;

/// <summary>The lab's tape speed: 16 MiB in 256 KiB blocks written through the provider and read back, in MB/s (a figure of the emulation under qemu, not of a drive).</summary>
public sealed class ThroughputCase : ITapeCase
{
    private const int BlockSize = 256 << 10;
    private const int Blocks = 64;

    public string Name => "throughput";
    public IReadOnlyList<string> Drives => ["b"];

    public void Run(TapeLab lab, TapeCaseResult result)
    {
        var drive = lab.Open("b");
        drive.Rewind();
        var block = TestBytes.Record(256, BlockSize);
        var clock = Stopwatch.StartNew();
        for (var i = 0; i < Blocks; i++)
            drive.WriteBlock([block]);
        drive.WriteFileMark();
        var write = clock.Elapsed.TotalSeconds;
        drive.Rewind();
        var buffer = new byte[TapeFormatLimits.ReadBuffer];
        var identical = 0;
        clock.Restart();
        for (var i = 0; i < Blocks; i++)
        {
            var read = drive.ReadBlock(buffer);
            if (read.Kind == TapeReadKind.Block && buffer.AsSpan(0, read.Length).SequenceEqual(block))
                identical++;
        }
        var readSeconds = clock.Elapsed.TotalSeconds;
        const double megabytes = (double)BlockSize * Blocks / 1e6;
        result["megabytes"] = megabytes;
        result["writeMBps"] = Math.Round(megabytes / write, 2);
        result["readMBps"] = Math.Round(megabytes / readSeconds, 2);
        result["identicalBlocks"] = identical;
        result["blocks"] = Blocks;
    }
}
