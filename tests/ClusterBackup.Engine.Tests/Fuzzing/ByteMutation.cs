using CsCheck;

namespace ClusterBackup.Engine.Tests.Fuzzing;

/// <summary>
/// Inputs made from valid files by a few byte-level edits: bit flips, extreme integers written over fields,
/// ranges deleted, repeated or filled with noise, truncation. The edits are generated values, so CsCheck
/// shrinks a failing input to the fewest, smallest edits.
/// </summary>
public static class ByteMutation
{
    public enum EditKind { FlipBit, SetByte, SetInt32, SetInt64, Delete, Insert, Duplicate, Truncate, Noise }

    public readonly record struct Edit(EditKind Kind, uint At, uint Length, long Value);

    private static readonly Gen<long> ExtremeOrAny = Gen.OneOf(
        Gen.Const(0L), Gen.Const(-1L), Gen.Const(1L), Gen.Const((long)int.MaxValue), Gen.Const((long)int.MinValue),
        Gen.Const(long.MaxValue), Gen.Const(long.MinValue), Gen.Const((long)uint.MaxValue), Gen.Long, Gen.Int[-4096, 65536].Select(i => (long)i));

    private static readonly Gen<Edit> AnyEdit = Gen.Select(Gen.Enum<EditKind>(), Gen.UInt, Gen.UInt[0, 4096], ExtremeOrAny,
        (kind, at, length, value) => new Edit(kind, at, length, value));

    /// <summary>One of <paramref name="seeds"/> with 1 to 8 edits, then passed through <paramref name="reseal"/> (or not), which
    /// recomputes the checksums a format carries so the edits reach the checks behind them.</summary>
    public static Gen<byte[]> From(IReadOnlyList<byte[]> seeds, Func<byte[], byte[]>? reseal = null) =>
        Gen.Select(Gen.Int[0, seeds.Count - 1], AnyEdit.Array[1, 8], Gen.Bool,
            (seed, edits, resealed) =>
            {
                var bytes = Apply(seeds[seed], edits);
                return resealed && reseal is not null ? reseal(bytes) : bytes;
            });

    public static byte[] Apply(byte[] original, IEnumerable<Edit> edits)
    {
        var bytes = new List<byte>(original);
        foreach (var edit in edits)
        {
            var at = bytes.Count == 0 ? 0 : (int)(edit.At % (uint)bytes.Count);
            var length = (int)Math.Min(edit.Length, (uint)(bytes.Count - at));
            switch (edit.Kind)
            {
                case EditKind.FlipBit when bytes.Count > 0:
                    bytes[at] ^= (byte)(1 << (int)(edit.Length % 8));
                    break;
                case EditKind.SetByte when bytes.Count > 0:
                    bytes[at] = (byte)edit.Value;
                    break;
                case EditKind.SetInt32:
                    Overwrite(bytes, at, BitConverter.GetBytes((int)edit.Value));
                    break;
                case EditKind.SetInt64:
                    Overwrite(bytes, at, BitConverter.GetBytes(edit.Value));
                    break;
                case EditKind.Delete:
                    bytes.RemoveRange(at, length);
                    break;
                case EditKind.Insert:
                    bytes.InsertRange(at, Noise(edit.Value, (int)edit.Length));
                    break;
                case EditKind.Duplicate:
                    bytes.InsertRange(at + length, bytes.GetRange(at, length));
                    break;
                case EditKind.Truncate:
                    bytes.RemoveRange(at, bytes.Count - at);
                    break;
                case EditKind.Noise:
                    Overwrite(bytes, at, Noise(edit.Value, length));
                    break;
            }
        }
        return bytes.ToArray();
    }

    private static void Overwrite(List<byte> bytes, int at, byte[] value)
    {
        for (var i = 0; i < value.Length && at + i < bytes.Count; i++)
            bytes[at + i] = value[i];
    }

    private static byte[] Noise(long seed, int length)
    {
        var noise = new byte[length];
        new Random(unchecked((int)seed ^ (int)(seed >> 32))).NextBytes(noise);
        return noise;
    }
}
