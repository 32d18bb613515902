using ClusterBackup.Engine.Common;
using ClusterBackup.Engine.Digest;

namespace ClusterBackup.Engine.Tests.Digest;

public class CompareBlockDigestTests
{
    private static async Task<BlockDigestComparison> CompareLocal(string primary, string backup, int blockSize, bool repair = false, bool whatIf = false,
        DigestAlgorithm algorithm = DigestAlgorithm.Sha256, CancellationToken token = default, RecordingReporter? reporter = null) =>
        await new CompareBlockDigestOperation().RunAsync(new CompareBlockDigestRequest
        {
            Path = primary,
            BackupPath = backup,
            Options = new BlockDigestOptions { BlockSize = blockSize, Algorithm = algorithm, GroupBlocks = 16 },
            Repair = repair,
            WhatIf = whatIf,
        }, reporter ?? (IOperationReporter)NullOperationReporter.Instance, token);

    [Theory]
    [InlineData(DigestAlgorithm.Sha256)]
    [InlineData(DigestAlgorithm.Xxh3)]
    public async Task EqualFilesCompareIdentical(DigestAlgorithm algorithm)
    {
        using var dir = new TempDirectory("digest");
        var data = DigestTestData.RandomBytes(3 * 1024 * 1024 + 123, 1);
        File.WriteAllBytes(dir.Combine("p"), data);
        File.WriteAllBytes(dir.Combine("b"), data);
        var result = await CompareLocal(dir.Combine("p"), dir.Combine("b"), 4096, algorithm: algorithm);
        Assert.True(result.Identical);
        Assert.Equal(0, result.DifferingBlocks);
        Assert.Equal((3 * 1024 * 1024 + 123 + 4095) / 4096, result.BlocksCompared);
        Assert.Empty(result.DifferingRanges);
    }

    [Theory]
    [InlineData(4096)]
    [InlineData(65536)]
    [InlineData(1536)]
    public async Task ScatteredChangesAreFoundExactlyAtEveryBlockSize(int blockSize)
    {
        using var dir = new TempDirectory("digest");
        var original = DigestTestData.RandomBytes(4 * 1024 * 1024 + 777, 2);
        var changed = (byte[])original.Clone();
        var blocks = DigestTestData.ChangeScatteredBlocks(changed, blockSize, 0.01, 3);
        File.WriteAllBytes(dir.Combine("p"), changed);
        File.WriteAllBytes(dir.Combine("b"), original);
        var result = await CompareLocal(dir.Combine("p"), dir.Combine("b"), blockSize);
        Assert.False(result.Identical);
        Assert.Equal(blocks.Count, result.DifferingBlocks);
        var reported = result.DifferingRanges.SelectMany(r => Enumerable.Range(0, (int)r.BlockCount).Select(i => r.FirstBlock + i)).ToList();
        Assert.Equal(blocks, reported);
    }

    [Fact]
    public async Task AnAppendedTailIsReportedAsDifferingSizeAndBlocks()
    {
        using var dir = new TempDirectory("digest");
        var backup = DigestTestData.RandomBytes(1_000_000, 4);
        var primary = backup.Concat(DigestTestData.RandomBytes(50_000, 5)).ToArray();
        File.WriteAllBytes(dir.Combine("p"), primary);
        File.WriteAllBytes(dir.Combine("b"), backup);
        var result = await CompareLocal(dir.Combine("p"), dir.Combine("b"), 4096);
        Assert.True(result.SizesDiffer);
        Assert.Equal(1_050_000, result.PrimarySize);
        Assert.Equal(1_000_000, result.BackupSize);
        // The backup's short last block (index 244) and every block after it.
        Assert.Equal(1_000_000 / 4096, result.DifferingRanges.Single().FirstBlock);
        Assert.Equal(1_050_000L - 1_000_000 / 4096 * 4096, result.DifferingBytes);
    }

    [Fact]
    public async Task ATruncatedBackupIsRepairedToTheFullPrimary()
    {
        using var dir = new TempDirectory("digest");
        var primary = DigestTestData.RandomBytes(2_000_003, 6);
        File.WriteAllBytes(dir.Combine("p"), primary);
        File.WriteAllBytes(dir.Combine("b"), primary[..1_234_567]);
        var result = await CompareLocal(dir.Combine("p"), dir.Combine("b"), 4096, repair: true);
        Assert.True(result.Repaired);
        Assert.True(result.Identical);
        Assert.Equal(DigestTestData.Sha256Of(dir.Combine("p")), DigestTestData.Sha256Of(dir.Combine("b")));
    }

    [Fact]
    public async Task ALongerBackupIsTruncatedByRepair()
    {
        using var dir = new TempDirectory("digest");
        var backup = DigestTestData.RandomBytes(3_000_000, 7);
        File.WriteAllBytes(dir.Combine("p"), backup[..2_500_001]);
        File.WriteAllBytes(dir.Combine("b"), backup);
        var result = await CompareLocal(dir.Combine("p"), dir.Combine("b"), 65536, repair: true);
        Assert.True(result.Identical);
        Assert.Equal(DigestTestData.Sha256Of(dir.Combine("p")), DigestTestData.Sha256Of(dir.Combine("b")));
    }

    [Fact]
    public async Task RepairMakesTheBackupIdenticalAndWhatIfWritesNothing()
    {
        using var dir = new TempDirectory("digest");
        var original = DigestTestData.RandomBytes(8 * 1024 * 1024 + 5, 8);
        var changed = (byte[])original.Clone();
        var blocks = DigestTestData.ChangeScatteredBlocks(changed, 4096, 0.01, 9);
        File.WriteAllBytes(dir.Combine("p"), changed);
        File.WriteAllBytes(dir.Combine("b"), original);
        var before = DigestTestData.Sha256Of(dir.Combine("b"));

        var whatIf = await CompareLocal(dir.Combine("p"), dir.Combine("b"), 4096, repair: true, whatIf: true);
        Assert.False(whatIf.Repaired);
        Assert.Equal(blocks.Count, whatIf.DifferingBlocks);
        Assert.Equal(before, DigestTestData.Sha256Of(dir.Combine("b")));

        var result = await CompareLocal(dir.Combine("p"), dir.Combine("b"), 4096, repair: true);
        Assert.True(result.Repaired);
        Assert.Equal(blocks.Count, result.BlocksWritten);
        Assert.Equal(blocks.Count, result.BlocksVerified);
        Assert.Equal(DigestTestData.Sha256Of(dir.Combine("p")), DigestTestData.Sha256Of(dir.Combine("b")));
    }

    [Fact]
    public async Task AnInterruptedLocalRepairLeavesTheBackupNoWorseAndARerunFinishesIt()
    {
        using var dir = new TempDirectory("digest");
        var original = DigestTestData.RandomBytes(16 * 1024 * 1024, 10);
        var changed = (byte[])original.Clone();
        DigestTestData.ChangeScatteredBlocks(changed, 4096, 0.5, 11);
        File.WriteAllBytes(dir.Combine("p"), changed);
        File.WriteAllBytes(dir.Combine("b"), original);
        using var stop = new CancellationTokenSource();
        var reporter = new RecordingReporter((activity, percent) =>
        {
            if (activity.StartsWith("Repairing", StringComparison.Ordinal) && percent >= 30)
                stop.Cancel();
        });
        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => CompareLocal(dir.Combine("p"), dir.Combine("b"), 4096, repair: true, token: stop.Token, reporter: reporter));

        var partial = File.ReadAllBytes(dir.Combine("b"));
        AssertEachBlockIsOldOrNew(partial, original, changed, 4096);
        Assert.NotEqual(DigestTestData.Sha256Of(dir.Combine("p")), DigestTestData.Sha256Of(dir.Combine("b")));

        var rerun = await CompareLocal(dir.Combine("p"), dir.Combine("b"), 4096, repair: true);
        Assert.True(rerun.Identical);
        Assert.Equal(DigestTestData.Sha256Of(dir.Combine("p")), DigestTestData.Sha256Of(dir.Combine("b")));
    }

    internal static void AssertEachBlockIsOldOrNew(byte[] partial, byte[] original, byte[] changed, int blockSize)
    {
        Assert.Equal(original.Length, partial.Length);
        var newer = 0;
        for (var offset = 0; offset < partial.Length; offset += blockSize)
        {
            var length = Math.Min(blockSize, partial.Length - offset);
            var block = partial.AsSpan(offset, length);
            var isOld = block.SequenceEqual(original.AsSpan(offset, length));
            var isNew = block.SequenceEqual(changed.AsSpan(offset, length));
            Assert.True(isOld || isNew, $"block at {offset} is neither the backup's nor the primary's content");
            if (isNew && !isOld)
                newer++;
        }
        Assert.True(newer > 0, "the interrupted repair wrote nothing; the test did not interrupt it mid-way");
    }

    [Fact]
    public async Task AMissingPathIsAClearError()
    {
        using var dir = new TempDirectory("digest");
        File.WriteAllBytes(dir.Combine("p"), [1, 2, 3]);
        var error = await Assert.ThrowsAsync<ClusterBackupException>(() => CompareLocal(dir.Combine("p"), "/dev/cb-no-such-device", 4096));
        Assert.Equal(ErrorKind.ObjectNotFound, error.Kind);
        Assert.Contains("/dev/cb-no-such-device", error.Message);
        Assert.Contains("does not exist", error.Message);
    }

    [Fact]
    public async Task ComparingWithADigestFileOfAnotherBlockSizeIsAClearError()
    {
        using var dir = new TempDirectory("digest");
        File.WriteAllBytes(dir.Combine("p"), DigestTestData.RandomBytes(100_000, 12));
        using (var storage = BlockStorage.OpenRead(dir.Combine("p")))
            DigestFile.Write(dir.Combine("p.cbdigest"), BlockDigestEngine.Compute(storage, new BlockDigestOptions { BlockSize = 8192 }), storage.Path);
        var error = await Assert.ThrowsAsync<ClusterBackupException>(() => new CompareBlockDigestOperation().RunAsync(new CompareBlockDigestRequest
        {
            Path = dir.Combine("p"),
            DigestFilePath = dir.Combine("p.cbdigest"),
            Options = new BlockDigestOptions { BlockSize = 4096 },
        }, NullOperationReporter.Instance, CancellationToken.None));
        Assert.Equal(ErrorKind.InvalidData, error.Kind);
        Assert.Contains("8192-byte blocks", error.Message);
        Assert.Contains("-BlockSize 8192", error.Message);
    }

    [Fact]
    public async Task ComparingWithAMatchingDigestFileFindsTheChangedBlocks()
    {
        using var dir = new TempDirectory("digest");
        var data = DigestTestData.RandomBytes(1_000_000, 13);
        File.WriteAllBytes(dir.Combine("p"), data);
        using (var storage = BlockStorage.OpenRead(dir.Combine("p")))
            DigestFile.Write(dir.Combine("map.cbdigest"), BlockDigestEngine.Compute(storage, new BlockDigestOptions { BlockSize = 4096, Algorithm = DigestAlgorithm.Xxh3 }), storage.Path);
        data[500_000] ^= 1;
        File.WriteAllBytes(dir.Combine("p"), data);
        var result = await new CompareBlockDigestOperation().RunAsync(new CompareBlockDigestRequest
        {
            Path = dir.Combine("p"),
            DigestFilePath = dir.Combine("map.cbdigest"),
            Options = new BlockDigestOptions { BlockSize = 4096 },
        }, NullOperationReporter.Instance, CancellationToken.None);
        Assert.Equal(DigestAlgorithm.Xxh3, result.Algorithm);
        Assert.Equal(500_000 / 4096, result.DifferingRanges.Single().FirstBlock);
    }
}
