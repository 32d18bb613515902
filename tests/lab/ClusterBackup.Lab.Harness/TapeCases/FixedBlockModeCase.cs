using System.Runtime.InteropServices;
using ClusterBackup.Engine.Tape.Drives;

namespace ClusterBackup.Lab.Harness.TapeCases;

/// <summary>
/// The st driver's fixed-block mode (MTSETBLK 512), which the provider does not use (it writes in variable-block
/// mode so one write is one tape block): a write of many 512-byte blocks, a write that is not a multiple of the
/// block size, and reading the blocks back; then back to variable mode. This shows the drive and the emulation
/// handle both modes, and what a fixed-mode drive would answer the engine.
/// </summary>
public sealed class FixedBlockModeCase : ITapeCase
{
    public string Name => "fixed-block-mode";
    public IReadOnlyList<string> Drives => ["a"];

    public void Run(TapeLab lab, TapeCaseResult result)
    {
        var drive = lab.Open("a");
        var system = lab.System;
        var fd = system.LastDescriptor;
        drive.Rewind();
        Check(system.MtOp(fd, LinuxStTapeDrive.MtSetBlk, 512, out var errno), errno, "MTSETBLK 512");
        result["blockSizeAfterSet"] = system.Status().Status.ToString();
        var data = TestBytes.Record(512, 64 << 10);
        result["write64KiB"] = system.Write(fd, data, out errno) is var n && n < 0 ? $"errno {errno}" : n.ToString();
        result["write1000Bytes"] = system.Write(fd, TestBytes.Record(7, 1000), out errno) is var m && m < 0 ? $"errno {errno} ({Marshal.GetPInvokeErrorMessage(errno)})" : m.ToString();
        drive.WriteFileMark();
        drive.Rewind();
        var buffer = new byte[64 << 10];
        var read = system.Read(fd, buffer, out errno);
        result["read64KiB"] = read;
        result["identical"] = read == data.Length && buffer.AsSpan().SequenceEqual(data);
        drive.Rewind();
        var small = new byte[512];
        var readOne = system.Read(fd, small, out errno);
        result["read512"] = readOne;
        result["firstBlockIdentical"] = readOne == 512 && small.AsSpan().SequenceEqual(data.AsSpan(0, 512));
        Check(system.MtOp(fd, LinuxStTapeDrive.MtSetBlk, 0, out errno), errno, "MTSETBLK 0");
    }

    private static void Check(int r, int errno, string what)
    {
        if (r < 0)
            throw new IOException($"{what} failed with errno {errno} ({Marshal.GetPInvokeErrorMessage(errno)})");
    }
}
