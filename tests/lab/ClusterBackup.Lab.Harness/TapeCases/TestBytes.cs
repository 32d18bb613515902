using System.Security.Cryptography;

namespace ClusterBackup.Lab.Harness.TapeCases;

/// <summary>Reproducible record contents (a seeded generator, so a record read back can be recognised by its seed) and their digests.</summary>
public static class TestBytes
{
    public static byte[] Record(int seed, int length)
    {
        var bytes = new byte[length];
        new Random(seed).NextBytes(bytes);
        return bytes;
    }

    public static string Sha256(ReadOnlySpan<byte> data) => Convert.ToHexString(SHA256.HashData(data)).ToLowerInvariant();

    /// <summary>A file of <paramref name="length"/> reproducible bytes under <paramref name="directory"/>.</summary>
    public static string File(string directory, string name, int seed, int length)
    {
        Directory.CreateDirectory(directory);
        var path = Path.Combine(directory, name);
        System.IO.File.WriteAllBytes(path, Record(seed, length));
        return path;
    }
}
