using System.Text;
using ClusterBackup.Engine.Tape.Format;

namespace ClusterBackup.Engine.Tests.Tape;

public class Crc32CTests
{
    public static TheoryData<string, uint> Vectors => new()
    {
        // RFC 3720 appendix B.4 and the common check value.
        { "123456789", 0xE3069283 },
        { "zeros32", 0x8A9136AA },
        { "ones32", 0x62A8AB43 },
        { "ascending32", 0x46DD794E },
        { "descending32", 0x113FDB5C },
    };

    private static byte[] Input(string name) => name switch
    {
        "zeros32" => new byte[32],
        "ones32" => Enumerable.Repeat((byte)0xFF, 32).ToArray(),
        "ascending32" => Enumerable.Range(0, 32).Select(i => (byte)i).ToArray(),
        "descending32" => Enumerable.Range(0, 32).Select(i => (byte)(31 - i)).ToArray(),
        _ => Encoding.ASCII.GetBytes(name),
    };

    [Theory]
    [MemberData(nameof(Vectors))]
    public void MatchesPublishedVectors(string input, uint expected)
    {
        Assert.Equal(expected, Crc32C.Compute(Input(input)));
        Assert.Equal(expected, Crc32C.ComputeWithTable(Input(input)));
    }

    [Fact]
    public void HardwareAndTablePathsAgreeOnEveryLengthAndAlignment()
    {
        var random = new Random(3720);
        var data = new byte[4099];
        random.NextBytes(data);
        for (var start = 0; start < 9; start++)
            for (var length = 0; length < 300; length += 7)
                Assert.Equal(Crc32C.ComputeWithTable(data.AsSpan(start, length)), Crc32C.Compute(data.AsSpan(start, length)));
        Assert.Equal(Crc32C.ComputeWithTable(data), Crc32C.Compute(data));
    }

    [Fact]
    public void TheThreeWayPathAgreesWithTheTableOnLongBuffers()
    {
        var random = new Random(20261121);
        var data = new byte[600_000];
        random.NextBytes(data);
        foreach (var length in new[] { 3072, 4096, 32_767, 32_768, 32_775, 65_536, 262_048, 262_080, 262_144, 599_993 })
        {
            var start = random.Next(0, 7);
            var slice = data.AsSpan(start, Math.Min(length, data.Length - start));
            Assert.Equal(Crc32C.ComputeWithTable(slice), Crc32C.Compute(slice));
            // Continuing from a running state, as the record writer does.
            var state = Crc32C.Append(0xFFFFFFFF, slice[..100]);
            Assert.Equal(Crc32C.ComputeWithTable(slice), ~Crc32C.Append(state, slice[100..]));
        }
    }

    [Fact]
    public void CombineJoinsTwoChecksums()
    {
        var data = System.Text.Encoding.ASCII.GetBytes("123456789");
        Assert.Equal(0xE3069283u, Crc32C.Combine(Crc32C.Compute(data.AsSpan(0, 4)), Crc32C.Compute(data.AsSpan(4)), 5));
    }

    [Fact]
    public void AppendingInPiecesEqualsOneCall()
    {
        var data = Encoding.ASCII.GetBytes("123456789");
        var state = Crc32C.Append(0xFFFFFFFF, data.AsSpan(0, 4));
        state = Crc32C.Append(state, data.AsSpan(4));
        Assert.Equal(0xE3069283u, ~state);
    }
}
