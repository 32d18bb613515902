using ClusterBackup.Engine.Common;
using ClusterBackup.Engine.Digest;
using ClusterBackup.Engine.Digest.Incremental;
using ClusterBackup.Engine.Tests.Fuzzing;

namespace ClusterBackup.Engine.Tests.Digest;

public class ChangedBlockFileTests
{
    /// <summary>Found by the fuzzer: a header describing a device no file system holds surfaced as the runtime's own error.</summary>
    [Fact]
    public void ADeviceTooLargeForTheTargetIsAnErrorNamingTheFile()
    {
        using var folder = new TempDirectory("blocks");
        var source = folder.Combine("source");
        File.WriteAllBytes(source, DigestTestData.RandomBytes(40_000, 3));
        var path = folder.Combine("g1.cbblocks");
        using (var storage = BlockStorage.OpenRead(source))
            ChangedBlockFile.Write(path, 1, storage, 4096, [0, 2], CancellationToken.None);
        var bytes = File.ReadAllBytes(path);
        BitConverter.TryWriteBytes(bytes.AsSpan(24), 1L << 62);
        File.WriteAllBytes(path, Reseal.Sha256Trailer(bytes));

        using var target = BlockStorage.OpenWrite(folder.Combine("target"), create: true);
        var error = Assert.Throws<ClusterBackupException>(() => ChangedBlockFile.ApplyTo(path, 1, 4096, target, CancellationToken.None));
        Assert.Contains(path, error.Message);
        Assert.Contains("cannot hold", error.Message);
    }
}
