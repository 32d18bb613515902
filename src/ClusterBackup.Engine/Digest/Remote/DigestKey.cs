using System.Security.Cryptography;
using System.Text;
using ClusterBackup.Engine.Common;

namespace ClusterBackup.Engine.Digest.Remote;

/// <summary>
/// The shared key of a digest endpoint and its clients, read from a file readable only by the backup
/// operators. It authenticates both ends by HMAC-SHA256 challenge-response; the key itself never crosses
/// the wire, and error messages never contain it.
/// </summary>
public sealed class DigestKey
{
    public const int MinimumLength = 16;
    private readonly byte[] _key;

    private DigestKey(byte[] key) => _key = key;

    public static DigestKey FromBytes(byte[] key)
    {
        if (key.Length < MinimumLength)
            throw new ClusterBackupException(ErrorKind.InvalidArgument, "key", $"The shared key is {key.Length} bytes; use at least {MinimumLength} (`clusterbackup digest new-key` or New-ClusterBackupDigestKey makes one).");
        return new DigestKey(key.ToArray());
    }

    /// <summary>Loads a key file; trailing line breaks are ignored so a text editor's newline does not change the key.</summary>
    public static DigestKey Load(string path)
    {
        var full = Path.GetFullPath(path);
        if (!File.Exists(full))
            throw new ClusterBackupException(ErrorKind.ObjectNotFound, full, $"The key file '{full}' does not exist.");
        byte[] content;
        try { content = File.ReadAllBytes(full); }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
        {
            throw new ClusterBackupException(ErrorKind.PermissionDenied, full, $"Cannot read the key file '{full}': {ex.Message}", ex);
        }
        var length = content.Length;
        while (length > 0 && content[length - 1] is (byte)'\n' or (byte)'\r')
            length--;
        if (length < MinimumLength)
            throw new ClusterBackupException(ErrorKind.InvalidArgument, full, $"The key file '{full}' holds {length} bytes; a shared key needs at least {MinimumLength}.");
        return new DigestKey(content[..length]);
    }

    /// <summary>The first 16 hexadecimal digits of the key's SHA-256, for comparing two copies without showing the key.</summary>
    public string Fingerprint => Convert.ToHexString(SHA256.HashData(_key), 0, 8).ToLowerInvariant();

    internal byte[] Prove(string role, byte[] first, byte[] second)
    {
        using var hmac = new HMACSHA256(_key);
        var label = Encoding.ASCII.GetBytes(role);
        hmac.TransformBlock(label, 0, label.Length, null, 0);
        hmac.TransformBlock(first, 0, first.Length, null, 0);
        hmac.TransformFinalBlock(second, 0, second.Length);
        return hmac.Hash!;
    }
}
