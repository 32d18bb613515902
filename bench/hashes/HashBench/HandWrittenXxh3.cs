using System.Buffers.Binary;
using System.Numerics;
using System.Runtime.CompilerServices;
using System.Runtime.Intrinsics;
using System.Runtime.Intrinsics.X86;

namespace HashBench;

/// <summary>
/// The hand-written XXH3-128 the engine used before it took System.IO.Hashing's XxHash128, kept here so the
/// comparison in bench/README.md ("hashes") can be run again. AVX2 long-input loop, scalar elsewhere.
/// </summary>
public static class HandWrittenXxh3
{
    private const ulong Prime32_1 = 0x9E3779B1UL, Prime32_2 = 0x85EBCA77UL, Prime32_3 = 0xC2B2AE3DUL;
    private const ulong Prime64_1 = 0x9E3779B185EBCA87UL, Prime64_2 = 0xC2B2AE3D27D4EB4FUL, Prime64_3 = 0x165667B19E3779F9UL;
    private const ulong Prime64_4 = 0x85EBCA77C2B2AE63UL, Prime64_5 = 0x27D4EB2F165667C5UL;
    private const ulong PrimeMx1 = 0x165667919E3779F9UL, PrimeMx2 = 0x9FB21C651E98DF25UL;
    private const int SecretSize = 192, SecretSizeMin = 136, StripeLength = 64, SecretConsumeRate = 8;
    private const int MidSizeMax = 240, MidSizeStartOffset = 3, MidSizeLastOffset = 17, LastAccStart = 7, MergeAccsStart = 11;

    /// <summary>The algorithm's default 192-byte secret (a constant of XXH3, not a key).</summary>
    private static ReadOnlySpan<byte> DefaultSecret =>
    [
        0xb8, 0xfe, 0x6c, 0x39, 0x23, 0xa4, 0x4b, 0xbe, 0x7c, 0x01, 0x81, 0x2c, 0xf7, 0x21, 0xad, 0x1c,
        0xde, 0xd4, 0x6d, 0xe9, 0x83, 0x90, 0x97, 0xdb, 0x72, 0x40, 0xa4, 0xa4, 0xb7, 0xb3, 0x67, 0x1f,
        0xcb, 0x79, 0xe6, 0x4e, 0xcc, 0xc0, 0xe5, 0x78, 0x82, 0x5a, 0xd0, 0x7d, 0xcc, 0xff, 0x72, 0x21,
        0xb8, 0x08, 0x46, 0x74, 0xf7, 0x43, 0x24, 0x8e, 0xe0, 0x35, 0x90, 0xe6, 0x81, 0x3a, 0x26, 0x4c,
        0x3c, 0x28, 0x52, 0xbb, 0x91, 0xc3, 0x00, 0xcb, 0x88, 0xd0, 0x65, 0x8b, 0x1b, 0x53, 0x2e, 0xa3,
        0x71, 0x64, 0x48, 0x97, 0xa2, 0x0d, 0xf9, 0x4e, 0x38, 0x19, 0xef, 0x46, 0xa9, 0xde, 0xac, 0xd8,
        0xa8, 0xfa, 0x76, 0x3f, 0xe3, 0x9c, 0x34, 0x3f, 0xf9, 0xdc, 0xbb, 0xc7, 0xc7, 0x0b, 0x4f, 0x1d,
        0x8a, 0x51, 0xe0, 0x4b, 0xcd, 0xb4, 0x59, 0x31, 0xc8, 0x9f, 0x7e, 0xc9, 0xd9, 0x78, 0x73, 0x64,
        0xea, 0xc5, 0xac, 0x83, 0x34, 0xd3, 0xeb, 0xc3, 0xc5, 0x81, 0xa0, 0xff, 0xfa, 0x13, 0x63, 0xeb,
        0x17, 0x0d, 0xdd, 0x51, 0xb7, 0xf0, 0xda, 0x49, 0xd3, 0x16, 0x55, 0x26, 0x29, 0xd4, 0x68, 0x9e,
        0x2b, 0x16, 0xbe, 0x58, 0x7d, 0x47, 0xa1, 0xfc, 0x8f, 0xf8, 0xb8, 0xd1, 0x7a, 0xd0, 0x31, 0xce,
        0x45, 0xcb, 0x3a, 0x8f, 0x95, 0x16, 0x04, 0x28, 0xaf, 0xd7, 0xfb, 0xca, 0xbb, 0x4b, 0x40, 0x7e,
    ];

    public const int DigestLength = 16;

    /// <summary>The 128-bit hash as (high, low), the halves xxhsum prints in that order.</summary>
    // Fully optimised from the first call: a digest pass is one long hot loop that tiered compilation would start unoptimised.
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public static (ulong High, ulong Low) Hash128(ReadOnlySpan<byte> input, ulong seed = 0)
    {
        var secret = DefaultSecret;
        if (input.Length <= 16)
            return Len0To16(input, secret, seed);
        if (input.Length <= 128)
            return Len17To128(input, secret, seed);
        if (input.Length <= MidSizeMax)
            return Len129To240(input, secret, seed);
        if (seed == 0)
            return HashLong(input, secret);
        Span<byte> custom = stackalloc byte[SecretSize];
        for (var i = 0; i < SecretSize / 16; i++)
        {
            BinaryPrimitives.WriteUInt64LittleEndian(custom[(16 * i)..], Read64(secret, 16 * i) + seed);
            BinaryPrimitives.WriteUInt64LittleEndian(custom[(16 * i + 8)..], Read64(secret, 16 * i + 8) - seed);
        }
        return HashLong(input, custom);
    }

    /// <summary>Writes the canonical 16-byte digest (big-endian high then low) into <paramref name="destination"/>.</summary>
    public static void Hash128(ReadOnlySpan<byte> input, Span<byte> destination, ulong seed = 0)
    {
        var (high, low) = Hash128(input, seed);
        BinaryPrimitives.WriteUInt64BigEndian(destination, high);
        BinaryPrimitives.WriteUInt64BigEndian(destination[8..], low);
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static ulong Read64(ReadOnlySpan<byte> data, int offset) => BinaryPrimitives.ReadUInt64LittleEndian(data[offset..]);

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static uint Read32(ReadOnlySpan<byte> data, int offset) => BinaryPrimitives.ReadUInt32LittleEndian(data[offset..]);

    private static ulong Xxh64Avalanche(ulong h)
    {
        h ^= h >> 33;
        h *= Prime64_2;
        h ^= h >> 29;
        h *= Prime64_3;
        h ^= h >> 32;
        return h;
    }

    private static ulong Avalanche(ulong h)
    {
        h ^= h >> 37;
        h *= PrimeMx1;
        h ^= h >> 32;
        return h;
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static ulong MultiplyFold64(ulong a, ulong b)
    {
        var high = Math.BigMul(a, b, out var low);
        return low ^ high;
    }

    private static (ulong High, ulong Low) Len0To16(ReadOnlySpan<byte> input, ReadOnlySpan<byte> secret, ulong seed)
    {
        var length = input.Length;
        if (length > 8)
        {
            var bitflipLow = (Read64(secret, 32) ^ Read64(secret, 40)) - seed;
            var bitflipHigh = (Read64(secret, 48) ^ Read64(secret, 56)) + seed;
            var inputLow = Read64(input, 0);
            var inputHigh = Read64(input, length - 8);
            var mHigh = Math.BigMul(inputLow ^ inputHigh ^ bitflipLow, Prime64_1, out var mLow);
            mLow += (ulong)(length - 1) << 54;
            inputHigh ^= bitflipHigh;
            mHigh += inputHigh + (ulong)(uint)inputHigh * (Prime32_2 - 1);
            mLow ^= BinaryPrimitives.ReverseEndianness(mHigh);
            var hHigh = Math.BigMul(mLow, Prime64_2, out var hLow);
            hHigh += mHigh * Prime64_2;
            return (Avalanche(hHigh), Avalanche(hLow));
        }
        if (length >= 4)
        {
            seed ^= (ulong)BinaryPrimitives.ReverseEndianness((uint)seed) << 32;
            var inputLow = Read32(input, 0);
            var inputHigh = Read32(input, length - 4);
            var input64 = inputLow + ((ulong)inputHigh << 32);
            var bitflip = (Read64(secret, 16) ^ Read64(secret, 24)) + seed;
            var keyed = input64 ^ bitflip;
            var mHigh = Math.BigMul(keyed, Prime64_1 + ((ulong)length << 2), out var mLow);
            mHigh += mLow << 1;
            mLow ^= mHigh >> 3;
            mLow ^= mLow >> 35;
            mLow *= PrimeMx2;
            mLow ^= mLow >> 28;
            return (Avalanche(mHigh), mLow);
        }
        if (length > 0)
        {
            uint c1 = input[0], c2 = input[length >> 1], c3 = input[length - 1];
            var combinedLow = (c1 << 16) | (c2 << 24) | c3 | ((uint)length << 8);
            var combinedHigh = BitOperations.RotateLeft(BinaryPrimitives.ReverseEndianness(combinedLow), 13);
            var bitflipLow = (ulong)(Read32(secret, 0) ^ Read32(secret, 4)) + seed;
            var bitflipHigh = (ulong)(Read32(secret, 8) ^ Read32(secret, 12)) - seed;
            return (Xxh64Avalanche(combinedHigh ^ bitflipHigh), Xxh64Avalanche(combinedLow ^ bitflipLow));
        }
        var emptyLow = Read64(secret, 64) ^ Read64(secret, 72);
        var emptyHigh = Read64(secret, 80) ^ Read64(secret, 88);
        return (Xxh64Avalanche(seed ^ emptyHigh), Xxh64Avalanche(seed ^ emptyLow));
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static ulong Mix16(ReadOnlySpan<byte> input, int inputOffset, ReadOnlySpan<byte> secret, int secretOffset, ulong seed) =>
        MultiplyFold64(Read64(input, inputOffset) ^ (Read64(secret, secretOffset) + seed),
                       Read64(input, inputOffset + 8) ^ (Read64(secret, secretOffset + 8) - seed));

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static void Mix32(ref ulong accLow, ref ulong accHigh, ReadOnlySpan<byte> input, int first, int second, ReadOnlySpan<byte> secret, int secretOffset, ulong seed)
    {
        accLow += Mix16(input, first, secret, secretOffset, seed);
        accLow ^= Read64(input, second) + Read64(input, second + 8);
        accHigh += Mix16(input, second, secret, secretOffset + 16, seed);
        accHigh ^= Read64(input, first) + Read64(input, first + 8);
    }

    private static (ulong High, ulong Low) Finish(ulong accLow, ulong accHigh, int length, ulong seed)
    {
        var low = accLow + accHigh;
        var high = accLow * Prime64_1 + accHigh * Prime64_4 + ((ulong)length - seed) * Prime64_2;
        return (0UL - Avalanche(high), Avalanche(low));
    }

    private static (ulong High, ulong Low) Len17To128(ReadOnlySpan<byte> input, ReadOnlySpan<byte> secret, ulong seed)
    {
        var length = input.Length;
        var accLow = (ulong)length * Prime64_1;
        var accHigh = 0UL;
        if (length > 32)
        {
            if (length > 64)
            {
                if (length > 96)
                    Mix32(ref accLow, ref accHigh, input, 48, length - 64, secret, 96, seed);
                Mix32(ref accLow, ref accHigh, input, 32, length - 48, secret, 64, seed);
            }
            Mix32(ref accLow, ref accHigh, input, 16, length - 32, secret, 32, seed);
        }
        Mix32(ref accLow, ref accHigh, input, 0, length - 16, secret, 0, seed);
        return Finish(accLow, accHigh, length, seed);
    }

    private static (ulong High, ulong Low) Len129To240(ReadOnlySpan<byte> input, ReadOnlySpan<byte> secret, ulong seed)
    {
        var length = input.Length;
        var rounds = length / 32;
        var accLow = (ulong)length * Prime64_1;
        var accHigh = 0UL;
        for (var i = 0; i < 4; i++)
            Mix32(ref accLow, ref accHigh, input, 32 * i, 32 * i + 16, secret, 32 * i, seed);
        accLow = Avalanche(accLow);
        accHigh = Avalanche(accHigh);
        for (var i = 4; i < rounds; i++)
            Mix32(ref accLow, ref accHigh, input, 32 * i, 32 * i + 16, secret, MidSizeStartOffset + 32 * (i - 4), seed);
        Mix32(ref accLow, ref accHigh, input, length - 16, length - 32, secret, SecretSizeMin - MidSizeLastOffset - 16, 0UL - seed);
        return Finish(accLow, accHigh, length, seed);
    }

    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private static (ulong High, ulong Low) HashLong(ReadOnlySpan<byte> input, ReadOnlySpan<byte> secret)
    {
        Span<ulong> acc = stackalloc ulong[8];
        acc[0] = Prime32_3; acc[1] = Prime64_1; acc[2] = Prime64_2; acc[3] = Prime64_3;
        acc[4] = Prime64_4; acc[5] = Prime32_2; acc[6] = Prime64_5; acc[7] = Prime32_1;

        var length = input.Length;
        var stripesPerBlock = (SecretSize - StripeLength) / SecretConsumeRate;
        var blockLength = StripeLength * stripesPerBlock;
        var blocks = (length - 1) / blockLength;
        var useAvx2 = Avx2.IsSupported;
        for (var n = 0; n < blocks; n++)
        {
            var block = input.Slice(n * blockLength, blockLength);
            if (useAvx2)
                Avx2Accumulate(acc, block, secret, stripesPerBlock);
            else
                ScalarAccumulate(acc, block, secret, stripesPerBlock);
            if (useAvx2)
                Avx2Scramble(acc, secret[(SecretSize - StripeLength)..]);
            else
                ScalarScramble(acc, secret[(SecretSize - StripeLength)..]);
        }
        var lastStripes = ((length - 1) - blockLength * blocks) / StripeLength;
        var tail = input[(blocks * blockLength)..];
        if (useAvx2)
            Avx2Accumulate(acc, tail, secret, lastStripes);
        else
            ScalarAccumulate(acc, tail, secret, lastStripes);
        ScalarAccumulateStripe(acc, input[(length - StripeLength)..], secret[(SecretSize - StripeLength - LastAccStart)..]);

        var low = MergeAccs(acc, secret[MergeAccsStart..], (ulong)length * Prime64_1);
        var high = MergeAccs(acc, secret[(SecretSize - 64 - MergeAccsStart)..], ~((ulong)length * Prime64_2));
        return (high, low);
    }

    private static ulong MergeAccs(ReadOnlySpan<ulong> acc, ReadOnlySpan<byte> secret, ulong start)
    {
        var result = start;
        for (var i = 0; i < 4; i++)
            result += MultiplyFold64(acc[2 * i] ^ Read64(secret, 16 * i), acc[2 * i + 1] ^ Read64(secret, 16 * i + 8));
        return Avalanche(result);
    }

    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private static void ScalarAccumulate(Span<ulong> acc, ReadOnlySpan<byte> input, ReadOnlySpan<byte> secret, int stripes)
    {
        for (var s = 0; s < stripes; s++)
            ScalarAccumulateStripe(acc, input[(s * StripeLength)..], secret[(s * SecretConsumeRate)..]);
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static void ScalarAccumulateStripe(Span<ulong> acc, ReadOnlySpan<byte> stripe, ReadOnlySpan<byte> secret)
    {
        for (var i = 0; i < 8; i++)
        {
            var value = Read64(stripe, 8 * i);
            var key = value ^ Read64(secret, 8 * i);
            acc[i ^ 1] += value;
            acc[i] += (ulong)(uint)key * (key >> 32);
        }
    }

    private static void ScalarScramble(Span<ulong> acc, ReadOnlySpan<byte> secret)
    {
        for (var i = 0; i < 8; i++)
        {
            var a = acc[i];
            a ^= a >> 47;
            a ^= Read64(secret, 8 * i);
            a *= Prime32_1;
            acc[i] = a;
        }
    }

    // The AVX2 forms process four 64-bit accumulator lanes per instruction; the arithmetic per lane
    // is exactly the scalar one above (a 32x32->64 multiply of the keyed halves, the neighbour
    // lane's input added), so the results are identical.
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private static unsafe void Avx2Accumulate(Span<ulong> acc, ReadOnlySpan<byte> input, ReadOnlySpan<byte> secret, int stripes)
    {
        fixed (ulong* accPointer = acc)
        fixed (byte* inputPointer = input)
        fixed (byte* secretPointer = secret)
        {
            var acc0 = Avx.LoadVector256(accPointer);
            var acc1 = Avx.LoadVector256(accPointer + 4);
            for (var s = 0; s < stripes; s++)
            {
                var data = inputPointer + s * StripeLength;
                var key = secretPointer + s * SecretConsumeRate;
                acc0 = Avx2AccumulateLane(acc0, Avx.LoadVector256(data).AsUInt64(), Avx.LoadVector256(key).AsUInt64());
                acc1 = Avx2AccumulateLane(acc1, Avx.LoadVector256(data + 32).AsUInt64(), Avx.LoadVector256(key + 32).AsUInt64());
            }
            Avx.Store(accPointer, acc0);
            Avx.Store(accPointer + 4, acc1);
        }
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static Vector256<ulong> Avx2AccumulateLane(Vector256<ulong> acc, Vector256<ulong> data, Vector256<ulong> key)
    {
        var keyed = Avx2.Xor(data, key);
        var keyedHigh = Avx2.ShiftRightLogical(keyed, 32);
        var product = Avx2.Multiply(keyed.AsUInt32(), keyedHigh.AsUInt32());
        var swapped = Avx2.Shuffle(data.AsUInt32(), 0b01_00_11_10).AsUInt64();
        return Avx2.Add(product, Avx2.Add(acc, swapped));
    }

    private static unsafe void Avx2Scramble(Span<ulong> acc, ReadOnlySpan<byte> secret)
    {
        var prime = Vector256.Create((uint)Prime32_1);
        fixed (ulong* accPointer = acc)
        fixed (byte* secretPointer = secret)
        {
            for (var half = 0; half < 2; half++)
            {
                var a = Avx.LoadVector256(accPointer + 4 * half);
                a = Avx2.Xor(a, Avx2.ShiftRightLogical(a, 47));
                a = Avx2.Xor(a, Avx.LoadVector256(secretPointer + 32 * half).AsUInt64());
                var low = Avx2.Multiply(a.AsUInt32(), prime);
                var high = Avx2.Multiply(Avx2.ShiftRightLogical(a, 32).AsUInt32(), prime);
                a = Avx2.Add(low, Avx2.ShiftLeftLogical(high, 32));
                Avx.Store(accPointer + 4 * half, a);
            }
        }
    }
}
