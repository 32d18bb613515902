using ClusterBackup.Engine.Digest;
using ClusterBackup.Engine.Digest.Incremental;
using ClusterBackup.Engine.Tests.Digest;
using Xunit.Abstractions;

namespace ClusterBackup.Engine.Tests.Fuzzing;

/// <summary>Digest files and changed-block files, fuzzed from files the product wrote, with their checksums resealed or not.</summary>
[Trait("Category", "Fuzz")]
public class DigestFileFuzzTests(ITestOutputHelper output)
{
    [Fact]
    public void DigestFile()
    {
        using var folder = new TempDirectory("fuzz-digest");
        var seeds = new[] { (1, 4096, DigestAlgorithm.Sha256), (70_001, 4096, DigestAlgorithm.Xxh3), (9_000, 512, DigestAlgorithm.Sha256) }
            .Select(s => Written(folder, s.Item1, s.Item2, s.Item3)).ToArray();
        var counts = FormatFuzzer.Run(output, "digest file", ByteMutation.From(seeds, Reseal.Sha256Trailer),
            bytes => Engine.Digest.DigestFile.Parse(bytes, "fuzzed.cbdigest"), _ => "fuzzed.cbdigest", Convert.ToHexString,
            threads: FormatFuzzer.Threads);
        Assert.True(counts.Accepted > 0 && counts.Refused > 0, $"{counts}");
    }

    [Fact]
    public void ChangedBlockFile()
    {
        using var folder = new TempDirectory("fuzz-blocks");
        var source = folder.Combine("source");
        File.WriteAllBytes(source, DigestTestData.RandomBytes(40_000, 7));
        byte[] seed;
        using (var storage = BlockStorage.OpenRead(source))
        {
            var path = folder.Combine("seed.cbblocks");
            Engine.Digest.Incremental.ChangedBlockFile.Write(path, 3, storage, 4096, [0, 2, 9], CancellationToken.None);
            seed = File.ReadAllBytes(path);
        }
        var counts = FormatFuzzer.Run(output, "changed-block file", ByteMutation.From([seed], Reseal.Sha256Trailer), bytes =>
        {
            var path = folder.Combine($"case-{Environment.CurrentManagedThreadId}.cbblocks");
            var target = folder.Combine($"target-{Environment.CurrentManagedThreadId}");
            File.WriteAllBytes(path, bytes);
            using var storage = BlockStorage.OpenWrite(target, create: true);
            Engine.Digest.Incremental.ChangedBlockFile.ApplyTo(path, 3, 4096, storage, CancellationToken.None);
        }, _ => "case-", Convert.ToHexString, threads: FormatFuzzer.Threads);
        Assert.True(counts.Accepted > 0 && counts.Refused > 0, $"{counts}");
    }

    private static byte[] Written(TempDirectory folder, int length, int blockSize, DigestAlgorithm algorithm)
    {
        var data = folder.Combine($"data-{length}");
        File.WriteAllBytes(data, DigestTestData.RandomBytes(length, length));
        using var storage = BlockStorage.OpenRead(data);
        var digests = BlockDigestEngine.Compute(storage, new BlockDigestOptions { BlockSize = blockSize, Algorithm = algorithm });
        var path = data + ".cbdigest";
        Engine.Digest.DigestFile.Write(path, digests, storage.Path);
        return File.ReadAllBytes(path);
    }
}
