using ClusterBackup.Engine.Digests;

namespace ClusterBackup.Engine.Tests.Digests;

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
        });
        Assert.Equal(size, result.BackupSize);
        Assert.Equal(blocks.Count, result.BlocksWritten);
        Assert.True(result.Identical);
        Assert.Equal(DigestTestData.Sha256Of(dir.Combine("primary.img")), DigestTestData.Sha256Of(loop.Device));
    }
}
