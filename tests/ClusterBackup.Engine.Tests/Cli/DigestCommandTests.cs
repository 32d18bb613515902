using ClusterBackup.Engine.Tests.Digest;

namespace ClusterBackup.Engine.Tests.Cli;

public class DigestCommandTests
{
    [Fact]
    public void ComputeThenCompareWithTheDigestFileReportsTheChangedBlock()
    {
        using var dir = new TempDirectory("digestcli");
        var data = DigestTestData.RandomBytes(300_000, 70);
        File.WriteAllBytes(dir.Combine("data"), data);
        var (code, output, error) = CliHarness.Run("digest", "compute", dir.Combine("data"), "--out", dir.Combine("data.cbdigest"), "--block-size", "4096", "--algorithm", "xxh3");
        Assert.True(code == 0, error);
        Assert.Contains("Xxh3", output);

        data[100_000] ^= 1;
        File.WriteAllBytes(dir.Combine("data"), data);
        (code, output, error) = CliHarness.Run("digest", "compare", dir.Combine("data"), "--digest-file", dir.Combine("data.cbdigest"), "--block-size", "4096", "-o", "json");
        Assert.True(code == 3, error);
        Assert.Contains("\"DifferingBlocks\": 1", output);
        Assert.Contains($"\"FirstBlock\": {100_000 / 4096}", output);
    }

    [Fact]
    public void CompareRepairsALocalCopyAndExitsZeroWhenIdentical()
    {
        using var dir = new TempDirectory("digestcli");
        File.WriteAllBytes(dir.Combine("p"), DigestTestData.RandomBytes(500_000, 71));
        File.WriteAllBytes(dir.Combine("b"), DigestTestData.RandomBytes(400_000, 72));
        var (code, _, error) = CliHarness.Run("digest", "compare", dir.Combine("p"), "--backup", dir.Combine("b"), "--repair", "--what-if");
        Assert.Equal(3, code);
        Assert.Contains("Sizes differ", error);
        (code, _, error) = CliHarness.Run("digest", "compare", dir.Combine("p"), "--backup", dir.Combine("b"), "--repair");
        Assert.True(code == 0, error);
        Assert.Equal(DigestTestData.Sha256Of(dir.Combine("p")), DigestTestData.Sha256Of(dir.Combine("b")));
    }

    [Fact]
    public void BlocksBackupListAndRestoreRoundTrip()
    {
        using var dir = new TempDirectory("digestcli");
        var catalog = dir.Combine("catalog.db");
        File.WriteAllBytes(dir.Combine("live"), DigestTestData.RandomBytes(200_000, 73));
        var (code, _, error) = CliHarness.Run("blocks", "backup", dir.Combine("live"), "--store", dir.Combine("store"), "--catalog", catalog);
        Assert.Equal(1, code);
        Assert.Contains("reflink", error);
        (code, _, error) = CliHarness.Run("blocks", "backup", dir.Combine("live"), "--store", dir.Combine("store"), "--allow-inconsistent-copy", "--catalog", catalog);
        Assert.True(code == 0, error);
        (code, var output, error) = CliHarness.Run("blocks", "list", "--store", dir.Combine("store"), "--catalog", catalog, "-o", "json");
        Assert.True(code == 0, error);
        Assert.Contains("\"Generation\": 1", output);
        (code, _, error) = CliHarness.Run("blocks", "restore", "--store", dir.Combine("store"), "--destination", dir.Combine("restored"), "--catalog", catalog);
        Assert.True(code == 0, error);
        Assert.Equal(DigestTestData.Sha256Of(dir.Combine("live")), DigestTestData.Sha256Of(dir.Combine("restored")));
    }

    [Fact]
    public void ServeWithoutAKeyFileIsAUsageError()
    {
        using var dir = new TempDirectory("digestcli");
        var (code, _, error) = CliHarness.Run("digest", "serve", "--root", dir.Path, "--key-file", dir.Combine("missing.key"), "--port", "0");
        Assert.Equal(2, code);
        Assert.Contains("missing.key", error);
    }
}
