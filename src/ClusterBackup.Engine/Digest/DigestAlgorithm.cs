using System.Security.Cryptography;
using ClusterBackup.Engine.Common;

namespace ClusterBackup.Engine.Digest;

/// <summary>
/// How a block's digest is computed. The numeric values are written into digest files and onto
/// the wire (docs/digest-format.md), so they never change.
/// </summary>
public enum DigestAlgorithm : byte
{
    /// <summary>SHA-256 through .NET, which on Linux calls OpenSSL and so uses the CPU's SHA instructions. The default: collision resistant.</summary>
    Sha256 = 1,

    /// <summary>XXH3-128: several times faster, for trusted data where accidental change is the only concern.</summary>
    Xxh3 = 2,
}

/// <summary>Digest lengths and per-thread hashers for each <see cref="DigestAlgorithm"/>.</summary>
public static class DigestAlgorithms
{
    public static int DigestLength(DigestAlgorithm algorithm) => algorithm switch
    {
        DigestAlgorithm.Sha256 => SHA256.HashSizeInBytes,
        DigestAlgorithm.Xxh3 => Xxh3.DigestLength,
        _ => throw new ClusterBackupException(ErrorKind.InvalidArgument, algorithm.ToString(), $"Unknown digest algorithm {(int)algorithm}."),
    };

    public static bool IsKnown(byte value) => value is (byte)DigestAlgorithm.Sha256 or (byte)DigestAlgorithm.Xxh3;

    /// <summary>
    /// A hasher for one worker thread. For SHA-256 it keeps one OpenSSL digest context and resets it per
    /// block, which costs far less per 4 KiB block than setting up a context for every call.
    /// </summary>
    public static BlockHasher CreateHasher(DigestAlgorithm algorithm) => new(algorithm);

    /// <summary>Digests one block. Static and thread-safe: each call is independent.</summary>
    public static void Hash(DigestAlgorithm algorithm, ReadOnlySpan<byte> block, Span<byte> digest)
    {
        if (algorithm == DigestAlgorithm.Xxh3)
            Xxh3.Hash128(block, digest);
        else
            SHA256.HashData(block, digest);
    }
}
