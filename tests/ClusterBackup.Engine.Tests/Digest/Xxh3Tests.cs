using System.Diagnostics;
using ClusterBackup.Engine.Digest;

namespace ClusterBackup.Engine.Tests.Digest;

/// <summary>
/// XXH3-128 against the xxHash reference's published sanity vectors (tests/sanity_test_vectors.h,
/// XSUM_XXH128_testdata): the same pseudo-random buffer, lengths that cover every code path
/// (0, 1-3, 4-8, 9-16, 17-128, 129-240, one and several 1 KiB blocks, unaligned last stripe).
/// </summary>
public class Xxh3Tests
{
    private const ulong Prime32 = 2654435761UL;
    private const ulong Prime64 = 11400714785074694797UL;

    public static TheoryData<int, ulong, ulong, ulong> ReferenceVectors => new()
    {
        { 0, 0, 0x6001C324468D497FUL, 0x99AA06D3014798D8UL },
        { 0, Prime32, 0x5444F7869C671AB0UL, 0x92220AE55E14AB50UL },
        { 1, 0, 0xC44BDFF4074EECDBUL, 0xA6CD5E9392000F6AUL },
        { 1, Prime32, 0xB53D5557E7F76F8DUL, 0x89B99554BA22467CUL },
        { 6, 0, 0x3E7039BDDA43CFC6UL, 0x082AFE0B8162D12AUL },
        { 6, Prime32, 0x269D8F70BE98856EUL, 0x5A865B5389ABD2B1UL },
        { 12, 0, 0x061A192713F69AD9UL, 0x6E3EFD8FC7802B18UL },
        { 12, Prime32, 0x9BE9F9A67F3C7DFBUL, 0xD7E09D518A3405D3UL },
        { 24, 0, 0x1E7044D28B1B901DUL, 0x0CE966E4678D3761UL },
        { 24, Prime32, 0xD7304C54EBAD40A9UL, 0x3162026714A6A243UL },
        { 48, 0, 0xF942219AED80F67BUL, 0xA002AC4E5478227EUL },
        { 48, Prime32, 0x7BA3C3E453A1934EUL, 0x163ADDE36C072295UL },
        { 81, 0, 0x5E8BAFB9F95FB803UL, 0x4952F58181AB0042UL },
        { 81, Prime32, 0x703FBB3D7A5F755CUL, 0x2724EC7ADC750FB6UL },
        { 222, 0, 0xF1AEBD597CEC6B3AUL, 0x337E09641B948717UL },
        { 222, Prime32, 0xAE995BB8AF917A8DUL, 0x91820016621E97F1UL },
        { 403, 0, 0xCDEB804D65C6DEA4UL, 0x1B6DE21E332DD73DUL },
        { 403, Prime64, 0x6259F6ECFD6443FDUL, 0xBED311971E0BE8F2UL },
        { 512, 0, 0x617E49599013CB6BUL, 0x18D2D110DCC9BCA1UL },
        { 512, Prime64, 0x3CE457DE14C27708UL, 0x925D06B8EC5B8040UL },
        { 2048, 0, 0xDD59E2C3A5F038E0UL, 0xF736557FD47073A5UL },
        { 2048, Prime32, 0x230D43F30206260BUL, 0x7FB03F7E7186C3EAUL },
        { 2240, 0, 0x6E73A90539CF2948UL, 0xCCB134FBFA7CE49DUL },
        { 2240, Prime32, 0xED385111126FBA6FUL, 0x50A1FE17B338995FUL },
        { 2367, 0, 0xCB37AEB9E5D361EDUL, 0xE89C0F6FF369B427UL },
        { 2367, Prime32, 0x6F5360AE69C2F406UL, 0xD23AAE4B76C31ECBUL },
    };

    /// <summary>The reference's sanity buffer: byte i is the top byte of PRIME32 * PRIME64^i.</summary>
    internal static byte[] SanityBuffer(int length)
    {
        var buffer = new byte[length];
        var generator = Prime32;
        for (var i = 0; i < length; i++)
        {
            buffer[i] = (byte)(generator >> 56);
            generator *= Prime64;
        }
        return buffer;
    }

    [Theory]
    [MemberData(nameof(ReferenceVectors))]
    public void MatchesTheReferenceSanityVectors(int length, ulong seed, ulong expectedLow, ulong expectedHigh)
    {
        var (high, low) = Xxh3.Hash128(SanityBuffer(4096 + 64 + 1).AsSpan(0, length), seed);
        Assert.Equal(expectedLow.ToString("X16"), low.ToString("X16"));
        Assert.Equal(expectedHigh.ToString("X16"), high.ToString("X16"));
    }

    [Fact]
    public void AgreesWithXxhsumOnBlockSizedInputs()
    {
        // The build installs xxhsum (Debian's xxhash); without it this cross-check would pass having checked nothing.
        var xxhsum = new[] { "/usr/bin/xxhsum", "/usr/local/bin/xxhsum" }.FirstOrDefault(File.Exists);
        Assert.True(xxhsum is not null, "xxhsum is not installed; ./build.sh test installs it (Debian package xxhash).");
        using var dir = new TempDirectory("xxh3");
        var data = SanityBuffer(70_000);
        foreach (var length in new[] { 241, 1024, 1025, 4096, 65536, 69_999 })
        {
            var path = dir.Combine($"in{length}");
            File.WriteAllBytes(path, data.AsSpan(0, length).ToArray());
            var info = new ProcessStartInfo(xxhsum, ["-H2", path]) { RedirectStandardOutput = true };
            using var process = Process.Start(info)!;
            var output = process.StandardOutput.ReadToEnd();
            process.WaitForExit();
            var digest = new byte[16];
            Xxh3.Hash128(data.AsSpan(0, length), digest);
            Assert.StartsWith(Convert.ToHexString(digest).ToLowerInvariant(), output.Trim());
        }
    }
}
