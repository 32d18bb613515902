using ClusterBackup.Engine.Catalog;
using ClusterBackup.Engine.Common;
using ClusterBackup.Engine.Tape.Agents;
using ClusterBackup.Engine.Tape.Library;

namespace ClusterBackup.Engine.Tests.Tape;

/// <summary>A library, a catalog and source files in a private folder, for tape tests.</summary>
public sealed class TapeTestKit : IDisposable
{
    public TapeTestKit(int drives = 6, int cartridges = 12, long capacity = 64L << 20, long earlyWarning = 2L << 20, int slots = 40)
    {
        Directory = new TempDirectory("tape");
        Library = VirtualTapeLibrary.Create(Directory.Combine("library"), drives, slots);
        for (var i = 1; i <= cartridges; i++)
            Library.AddCartridge($"VT{i:D4}", capacity, earlyWarning);
        CatalogPath = Directory.Combine("catalog.db");
        Catalog = new TapeCatalog(CatalogDatabase.OpenOrCreate(CatalogPath));
        Allocator = new VolumeAllocator(Library, Catalog, NullOperationReporter.Instance);
    }

    public TempDirectory Directory { get; }
    public VirtualTapeLibrary Library { get; }
    public string CatalogPath { get; }
    public TapeCatalog Catalog { get; }
    public VolumeAllocator Allocator { get; }

    public BackupMediaAgent Agent(string name, int drive, int level = 0, string pool = "Daily", int blockSize = 64 * 1024) =>
        new(name, level, pool, blockSize, Allocator.For($"drive{drive}", pool, blockSize));

    /// <summary>A file of <paramref name="length"/> pseudo-random bytes from <paramref name="seed"/>.</summary>
    public string SourceFile(string name, long length, int seed)
    {
        var path = Directory.Combine("share", name);
        System.IO.Directory.CreateDirectory(Path.GetDirectoryName(path)!);
        var random = new Random(seed);
        var buffer = new byte[1 << 16];
        using var stream = File.Create(path);
        for (long done = 0; done < length;)
        {
            random.NextBytes(buffer);
            var n = (int)Math.Min(buffer.Length, length - done);
            stream.Write(buffer, 0, n);
            done += n;
        }
        return path;
    }

    public void Dispose() => Directory.Dispose();
}
