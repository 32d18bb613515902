using System.Security.Cryptography;

namespace ClusterBackup.Engine.Tests.Digest;

/// <summary>Files with reproducible content and reproducible changes for the digest tests.</summary>
internal static class DigestTestData
{
    public static byte[] RandomBytes(int length, int seed)
    {
        var data = new byte[length];
        new Random(seed).NextBytes(data);
        return data;
    }

    /// <summary>Changes one byte in a reproducible selection of <paramref name="fraction"/> of the blocks; returns their numbers.</summary>
    public static SortedSet<long> ChangeScatteredBlocks(byte[] data, int blockSize, double fraction, int seed)
    {
        var random = new Random(seed);
        var blocks = (data.Length + blockSize - 1) / blockSize;
        var wanted = Math.Max(1, (int)(blocks * fraction));
        var changed = new SortedSet<long>();
        while (changed.Count < wanted)
        {
            var block = random.Next(blocks);
            if (!changed.Add(block))
                continue;
            var offset = block * blockSize + random.Next(Math.Min(blockSize, data.Length - block * blockSize));
            data[offset] ^= 0x5A;
        }
        return changed;
    }

    public static string Sha256Of(string path)
    {
        using var stream = File.OpenRead(path);
        return Convert.ToHexString(SHA256.HashData(stream));
    }

    public static string WriteKey(TempDirectory dir, string name = "digest.key")
    {
        var path = dir.Combine(name);
        File.WriteAllText(path, Convert.ToBase64String(RandomNumberGenerator.GetBytes(32)) + "\n");
        return path;
    }
}
