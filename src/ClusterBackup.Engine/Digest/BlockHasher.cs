using System.Security.Cryptography;

namespace ClusterBackup.Engine.Digest;

/// <summary>Digests blocks one after another on one thread (not thread-safe; one per worker).</summary>
public sealed class BlockHasher(DigestAlgorithm algorithm) : IDisposable
{
    private readonly IncrementalHash? _sha256 = algorithm == DigestAlgorithm.Sha256 ? IncrementalHash.CreateHash(HashAlgorithmName.SHA256) : null;

    public void Hash(ReadOnlySpan<byte> block, Span<byte> digest)
    {
        if (_sha256 is null)
        {
            Xxh3.Hash128(block, digest);
            return;
        }
        _sha256.AppendData(block);
        _sha256.GetHashAndReset(digest);
    }

    public void Dispose() => _sha256?.Dispose();
}
