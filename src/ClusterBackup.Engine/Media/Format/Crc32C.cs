using System.Buffers.Binary;
using System.Runtime.InteropServices;
using System.Runtime.Intrinsics.X86;

namespace ClusterBackup.Engine.Media.Format;

/// <summary>
/// CRC32C (Castagnoli, RFC 3720 appendix B.4). System.IO.Hashing is not available, so this is the
/// smallest correct piece: the SSE4.2 CRC32 instruction where the CPU has it (8 bytes per step), and a
/// table otherwise. Both are checked against the published vectors in the tests.
/// </summary>
public static class Crc32C
{
    private const uint ReflectedPolynomial = 0x82F63B78;
    private static readonly uint[] Table = BuildTable();

    /// <summary>True when the hardware instruction is used.</summary>
    public static bool IsHardwareAccelerated => Sse42.X64.IsSupported || Sse42.IsSupported;

    /// <summary>The CRC32C of <paramref name="data"/>.</summary>
    public static uint Compute(ReadOnlySpan<byte> data) => ~Append(0xFFFFFFFF, data);

    /// <summary>Continues a running (non-finalised) CRC state; start with 0xFFFFFFFF and invert at the end.</summary>
    public static uint Append(uint state, ReadOnlySpan<byte> data)
    {
        if (Sse42.X64.IsSupported)
        {
            ulong crc = state;
            var words = MemoryMarshal.Cast<byte, ulong>(data);
            foreach (var word in words)
                crc = Sse42.X64.Crc32(crc, word);
            state = (uint)crc;
            data = data[(words.Length * 8)..];
            foreach (var b in data)
                state = Sse42.Crc32(state, b);
            return state;
        }
        if (Sse42.IsSupported)
        {
            var words = MemoryMarshal.Cast<byte, uint>(data);
            foreach (var word in words)
                state = Sse42.Crc32(state, word);
            foreach (var b in data[(words.Length * 4)..])
                state = Sse42.Crc32(state, b);
            return state;
        }
        return AppendTable(state, data);
    }

    /// <summary>The portable path, also used by the tests to check the hardware path.</summary>
    public static uint ComputeWithTable(ReadOnlySpan<byte> data) => ~AppendTable(0xFFFFFFFF, data);

    private static uint AppendTable(uint state, ReadOnlySpan<byte> data)
    {
        foreach (var b in data)
            state = Table[(state ^ b) & 0xFF] ^ (state >> 8);
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
