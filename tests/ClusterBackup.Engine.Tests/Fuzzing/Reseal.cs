using System.Security.Cryptography;

namespace ClusterBackup.Engine.Tests.Fuzzing;

/// <summary>Recomputes the checksums a format carries, so a fuzzed input reaches the checks that come after them.</summary>
public static class Reseal
{
    /// <summary>A trailer of an 8-byte signature and the SHA-256 of everything before the trailer (digest and changed-block files).</summary>
    public static byte[] Sha256Trailer(byte[] content)
    {
        const int trailer = 8 + 32;
        if (content.Length < trailer)
            return content;
        var copy = (byte[])content.Clone();
        SHA256.HashData(copy.AsSpan(0, copy.Length - trailer)).CopyTo(copy, copy.Length - 32);
        return copy;
    }
}
