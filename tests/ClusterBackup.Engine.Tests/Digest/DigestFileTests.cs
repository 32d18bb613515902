using ClusterBackup.Engine.Common;
using ClusterBackup.Engine.Digest;

namespace ClusterBackup.Engine.Tests.Digest;

public class DigestFileTests
{
    private static (TempDirectory Dir, string Path, BlockDigestList Digests) Make()
    {
        var dir = new TempDirectory("digestfile");
        File.WriteAllBytes(dir.Combine("data"), DigestTestData.RandomBytes(300_001, 20));
        using var storage = BlockStorage.OpenRead(dir.Combine("data"));
        var digests = BlockDigestEngine.Compute(storage, new BlockDigestOptions { BlockSize = 4096 });
        var path = dir.Combine("data.cbdigest");
        DigestFile.Write(path, digests, storage.Path);
        return (dir, path, digests);
    }

    [Fact]
    public void RoundTripsEveryHeaderFieldAndDigest()
    {
        var (dir, path, digests) = Make();
        using (dir)
        {
            var read = DigestFile.Read(path);
            Assert.Equal(DigestAlgorithm.Sha256, read.Algorithm);
            Assert.Equal(4096, read.BlockSize);
            Assert.Equal(300_001, read.DeviceSize);
            Assert.Equal(74, read.BlockCount);
            Assert.Equal(digests.Digests, read.Digests);
            Assert.Equal(digests.Created.ToUnixTimeMilliseconds(), read.Created.ToUnixTimeMilliseconds());
            Assert.Empty(Directory.GetFiles(dir.Path, "*.tmp"));
        }
    }

    [Theory]
    [InlineData("flip-digest", "checksum")]
    [InlineData("truncate", "truncated")]
    [InlineData("version", "format version 9")]
    [InlineData("magic", "signature")]
    [InlineData("algorithm", "unknown digest algorithm")]
    [InlineData("created", "is not a date")]
    public void ReadersRejectDamagedFilesWithAClearReason(string damage, string expected)
    {
        var (dir, path, _) = Make();
        using (dir)
        {
            var bytes = File.ReadAllBytes(path);
            switch (damage)
            {
                case "flip-digest": bytes[200] ^= 1; break;
                case "truncate": bytes = bytes[..^10]; break;
                case "version": bytes[8] = 9; break;
                case "magic": bytes[0] = (byte)'X'; break;
                case "algorithm": bytes[12] = 77; break;
                case "created": BitConverter.TryWriteBytes(bytes.AsSpan(40), long.MaxValue); bytes = Fuzzing.Reseal.Sha256Trailer(bytes); break;
            }
            File.WriteAllBytes(path, bytes);
            var error = Assert.Throws<ClusterBackupException>(() => DigestFile.Read(path));
            Assert.Equal(ErrorKind.InvalidData, error.Kind);
            Assert.Contains(expected, error.Message);
            Assert.Contains(path, error.Message);
        }
    }

    [Fact]
    public void RegionsAreContiguousGroupAlignedAndCoverEveryBlock()
    {
        var regions = BlockDigestEngine.SplitIntoRegions(1000, 16, 3);
        Assert.Equal(0, regions[0].First);
        Assert.Equal(1000, regions[^1].End);
        for (var i = 1; i < regions.Count; i++)
        {
            Assert.Equal(regions[i - 1].End, regions[i].First);
            Assert.Equal(0, regions[i].First % 16);
        }
    }
}
