using ClusterBackup.Engine.Common;
using ClusterBackup.Engine.Digest;

namespace ClusterBackup.Engine.Tests.Digest;

public class LoopDeviceDigestTests
{
    [RootLoopFact]
    public async Task ABlockDeviceIsComparedAndRepairedInPlace()
    {
        using var dir = new TempDirectory("loopdigest");
        const int size = 8 * 1024 * 1024;
        using var loop = LoopDevice.Attach(size);
        var original = DigestTestData.RandomBytes(size, 60);
        await using (var device = new FileStream(loop.Device, FileMode.Open, FileAccess.Write))
        {
            await device.WriteAsync(original);
            device.Flush(flushToDisk: true);
        }
        var changed = (byte[])original.Clone();
        var blocks = DigestTestData.ChangeScatteredBlocks(changed, 65536, 0.05, 61);
        File.WriteAllBytes(dir.Combine("primary.img"), changed);

        var result = await new CompareBlockDigestOperation().RunAsync(new CompareBlockDigestRequest
        {
            Path = dir.Combine("primary.img"),
            BackupPath = loop.Device,
            Repair = true,
        }, NullOperationReporter.Instance, CancellationToken.None);
        Assert.Equal(size, result.BackupSize);
        Assert.Equal(blocks.Count, result.BlocksWritten);
        Assert.True(result.Identical);
        Assert.Equal(DigestTestData.Sha256Of(dir.Combine("primary.img")), DigestTestData.Sha256Of(loop.Device));
    }
}

public class LoopDeviceSizeTests
{
    [RootLoopFact]
    public async Task APrimaryLargerThanTheDeviceIsAClearErrorAndASmallerOneIsReported()
    {
        using var dir = new TempDirectory("loopdigest");
        using var loop = LoopDevice.Attach(4 * 1024 * 1024);
        File.WriteAllBytes(dir.Combine("big.img"), DigestTestData.RandomBytes(5 * 1024 * 1024, 62));
        File.WriteAllBytes(dir.Combine("small.img"), DigestTestData.RandomBytes(3 * 1024 * 1024 + 100, 63));

        var error = await Assert.ThrowsAsync<ClusterBackupException>(() => new CompareBlockDigestOperation().RunAsync(
            new CompareBlockDigestRequest { Path = dir.Combine("big.img"), BackupPath = loop.Device, Repair = true }, NullOperationReporter.Instance, CancellationToken.None));
        Assert.Equal(ErrorKind.WriteError, error.Kind);
        Assert.Contains("block device", error.Message);

        var reporter = new RecordingReporter();
        var result = await new CompareBlockDigestOperation().RunAsync(
            new CompareBlockDigestRequest { Path = dir.Combine("small.img"), BackupPath = loop.Device, Repair = true }, reporter, CancellationToken.None);
        Assert.True(result.SizesDiffer);
        Assert.False(result.Identical);
        Assert.True(result.Repaired);
        Assert.Equal(4 * 1024 * 1024, result.BackupSize);
        Assert.Contains(reporter.Warnings, w => w.Contains("keeps its size"));
        await using var device = new FileStream(loop.Device, FileMode.Open, FileAccess.Read);
        var head = new byte[3 * 1024 * 1024 + 100];
        await device.ReadExactlyAsync(head);
        Assert.Equal(File.ReadAllBytes(dir.Combine("small.img")), head);
    }
}
