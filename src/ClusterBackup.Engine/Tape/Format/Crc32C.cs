using System.Numerics;
using System.Runtime.InteropServices;
using System.Runtime.Intrinsics.X86;

namespace ClusterBackup.Engine.Tape.Format;

/// <summary>
/// CRC32C (Castagnoli, RFC 3720 appendix B.4). System.IO.Hashing (10.0) has no CRC32C, only the IEEE CRC-32, so the
/// framework's <see cref="BitOperations.Crc32C(uint, ulong)"/> (the SSE4.2 or ARMv8 CRC32 instruction, with its own
/// software fallback) does the work, one chain of 8-byte steps. From 32 KiB on, where a tape record's data lies, a
/// hand-written three-way split keeps three chains of the instruction in flight: measured 1.5 to 1.9 times the
/// single chain at 64 and 256 KiB, and slower than it below 16 KiB because joining the three costs a fixed time
/// (bench/README.md, "hashes"). Both are checked against the published vectors and a table in the tests.
/// </summary>
public static class Crc32C
{
    private const uint ReflectedPolynomial = 0x82F63B78;

    /// <summary>True when the hardware instruction is used (SSE4.2 on x64, CRC32 on ARMv8).</summary>
    public static bool IsHardwareAccelerated => Sse42.X64.IsSupported || System.Runtime.Intrinsics.Arm.Crc32.Arm64.IsSupported;

    /// <summary>The CRC32C of <paramref name="data"/>.</summary>
    public static uint Compute(ReadOnlySpan<byte> data) => ~Append(0xFFFFFFFF, data);

    /// <summary>Continues a running (non-finalised) CRC state; start with 0xFFFFFFFF and invert at the end.</summary>
    public static uint Append(uint state, ReadOnlySpan<byte> data)
    {
        if (Sse42.X64.IsSupported && data.Length >= ThreeWayThreshold)
            return AppendThreeWay(state, data);
        var words = MemoryMarshal.Cast<byte, ulong>(data);
        foreach (var word in words)
            state = BitOperations.Crc32C(state, word);
        foreach (var b in data[(words.Length * 8)..])
            state = BitOperations.Crc32C(state, b);
        return state;
    }

    /// <summary>Below this length one chain of CRC32 instructions is faster than three and their join (measured).</summary>
    private const int ThreeWayThreshold = 32 * 1024;
    private static readonly uint[] PowersOfX = BuildPowersOfX();

    /// <summary>
    /// The CRC32 instruction has a latency of three cycles but a throughput of one per cycle, so a long
    /// buffer is cut into three parts checksummed in lockstep, and the three CRCs are joined with the
    /// GF(2) identity crc(A||B) = crc(A)·x^(8|B|) mod P xor crc(B).
    /// </summary>
    private static uint AppendThreeWay(uint state, ReadOnlySpan<byte> data)
    {
        var part = (data.Length / 3) & ~7;
        var words = MemoryMarshal.Cast<byte, ulong>(data[..(3 * part)]);
        var count = part / 8;
        ulong a = state, b = 0xFFFFFFFF, c = 0xFFFFFFFF;
        for (var i = 0; i < count; i++)
        {
            a = Sse42.X64.Crc32(a, words[i]);
            b = Sse42.X64.Crc32(b, words[count + i]);
            c = Sse42.X64.Crc32(c, words[2 * count + i]);
        }
        var tail = Append((uint)c, data[(3 * part)..]);
        var crcA = ~(uint)a;
        var crcB = ~(uint)b;
        var crcC = ~tail;
        var combined = Combine(Combine(crcA, crcB, part), crcC, data.Length - 2 * part);
        return ~combined;
    }

    /// <summary>The CRC of A||B from crc(A), crc(B) and |B| (both finished CRCs, as Compute returns them).</summary>
    public static uint Combine(uint crcA, uint crcB, long lengthB) => MultiplyModP(XPowerEightN(lengthB), crcA) ^ crcB;

    /// <summary>a·b mod P over GF(2), in the reflected bit order the CRC uses (bit 31 is x^0).</summary>
    private static uint MultiplyModP(uint a, uint b)
    {
        uint product = 0;
        for (var m = 1u << 31; m != 0; m >>= 1)
        {
            if ((a & m) != 0)
                product ^= b;
            b = (b & 1) != 0 ? (b >> 1) ^ ReflectedPolynomial : b >> 1;
        }
        return product;
    }

    /// <summary>x^(8n) mod P, by squaring: PowersOfX[k] is x^(2^k).</summary>
    private static uint XPowerEightN(long n)
    {
        var result = 1u << 31; // x^0
        var k = 3;              // 8n = n·2^3
        for (; n != 0; n >>= 1, k++)
            if ((n & 1) != 0)
                result = MultiplyModP(PowersOfX[k % 32], result);
        return result;
    }

    private static uint[] BuildPowersOfX()
    {
        var powers = new uint[32];
        powers[0] = 1u << 30; // x^1
        for (var k = 1; k < 32; k++)
            powers[k] = MultiplyModP(powers[k - 1], powers[k - 1]);
        return powers;
    }

    /// <summary>A byte-at-a-time table CRC, independent of the instruction: the tests' reference for both paths.</summary>
    public static uint ComputeWithTable(ReadOnlySpan<byte> data) => ~AppendTable(0xFFFFFFFF, data);

    private static uint AppendTable(uint state, ReadOnlySpan<byte> data)
    {
        var table = BuildTable();
        foreach (var b in data)
            state = table[(state ^ b) & 0xFF] ^ (state >> 8);
        return state;
    }

    private static uint[] BuildTable()
    {
        var table = new uint[256];
        for (uint i = 0; i < 256; i++)
        {
            var c = i;
            for (var k = 0; k < 8; k++)
                c = (c & 1) != 0 ? (c >> 1) ^ ReflectedPolynomial : c >> 1;
            table[i] = c;
        }
        return table;
    }
}
