using System.Diagnostics;
using ClusterBackup.Engine.Catalog;
using ClusterBackup.Engine.Common;
using ClusterBackup.Engine.Tape.Agents;
using ClusterBackup.Engine.Tape.Configuration;
using ClusterBackup.Engine.Tape.Library;

// The tape write benchmark: N objects written by 2 backup agents, each object daisy-chained through
// M mirror levels (2 agents per level), to virtual tapes in --tapes. One line of JSON per run.
var options = args.Select((a, i) => (a, i)).Where(x => x.a.StartsWith("--")).ToDictionary(x => x.a[2..], x => x.i + 1 < args.Length ? args[x.i + 1] : "");
string Opt(string name, string fallback) => options.TryGetValue(name, out var v) ? v : fallback;
var source = Opt("source", "/dev/shm/cb-bench-source");
var tapes = Opt("tapes", "/dev/shm/cb-bench-tapes");
var objects = int.Parse(Opt("objects", "8"));
var size = long.Parse(Opt("size-mib", "512")) << 20;
var blockSize = int.Parse(Opt("block-kib", "256")) * 1024;
var mirrors = Opt("mirrors", "0,1,2").Split(',').Select(int.Parse).ToList();

if (options.ContainsKey("generate"))
{
    Directory.CreateDirectory(source);
    var buffer = new byte[8 << 20];
    for (var i = 0; i < objects; i++)
    {
        var path = Path.Combine(source, $"object{i}.bin");
        if (File.Exists(path) && new FileInfo(path).Length == size)
            continue;
        // Incompressible pseudo-random content, cheap to make (xorshift).
        ulong state = 0x9E3779B97F4A7C15UL * (ulong)(i + 1);
        using var stream = new FileStream(path, FileMode.Create, FileAccess.Write, FileShare.None, 1 << 20);
        for (long done = 0; done < size; done += buffer.Length)
        {
            var words = System.Runtime.InteropServices.MemoryMarshal.Cast<byte, ulong>(buffer.AsSpan());
            for (var w = 0; w < words.Length; w++)
            {
                state ^= state << 13; state ^= state >> 7; state ^= state << 17;
                words[w] = state;
            }
            stream.Write(buffer, 0, (int)Math.Min(buffer.Length, size - done));
        }
    }
    return 0;
}

var root = tapes;
foreach (var m in mirrors)
{
    // A fresh folder per run: the catalog's pooled connections must never see an earlier run's file.
    tapes = Path.Combine(root, $"run-{m}-{Guid.NewGuid():N}");
    var agentsPerLevel = 2;
    var drives = agentsPerLevel * (m + 1);
    var library = VirtualTapeLibrary.Create(Path.Combine(tapes, "library"), drives, drives + 2);
    var perAgent = (objects + agentsPerLevel - 1) / agentsPerLevel * (size + (size >> 4)) + (64L << 20);
    for (var c = 0; c < drives; c++)
        library.AddCartridge($"BN{c:D4}", perAgent, 16L << 20);
    var catalog = new TapeCatalog(CatalogDatabase.Open(Path.Combine(tapes, "catalog.db")));
    var allocator = new VolumeAllocator(library, catalog, NullOperationReporter.Instance);
    var driveNames = library.GetDrives().Select(d => d.Name).ToList();
    var levels = Enumerable.Range(1, m).Select(l => (IReadOnlyList<string>)driveNames.Skip(l * agentsPerLevel).Take(agentsPerLevel).ToList()).ToList();
    var configuration = MediaAgentConfiguration.CreateDefault(driveNames.Take(agentsPerLevel).ToList(), levels, "Bench",
        Enumerable.Range(1, m).Select(l => $"Mirror{l}").ToList(), blockSize);
    configuration.EnsureValid(driveNames, "benchmark");
    var agents = configuration.Agents.ToDictionary(a => a.Name, a => new BackupMediaAgent(a.Name, configuration.MirrorLevel(a), a.Pool, a.BlockSize,
        allocator.For(a.Drive, a.Pool, a.BlockSize)));
    var names = Enumerable.Range(0, objects).Select(i => $"object{i}.bin").ToList();
    var chains = configuration.AssignChains(names);
    var work = names.Select((n, i) => new ChainedObject(new FileObjectSource(Path.Combine(source, n), n), chains[i]!.Select(a => agents[a.Name]).ToList())).ToList();

    GC.Collect();
    var process = Process.GetCurrentProcess();
    process.Refresh();
    var cpuBefore = process.TotalProcessorTime;
    var userBefore = process.UserProcessorTime;
    var clock = Stopwatch.StartNew();
    var result = TapeWriteSession.Run("bench", work, NullOperationReporter.Instance, CancellationToken.None, maxConcurrentObjects: objects);
    clock.Stop();
    process.Refresh();
    var cpu = (process.TotalProcessorTime - cpuBefore).TotalSeconds;
    var user = (process.UserProcessorTime - userBefore).TotalSeconds;
    work.ForEach(w => w.Source.Dispose());
    if (result.Error is not null)
    {
        Console.Error.WriteLine($"benchmark run with {m} mirrors failed: {result.Error}");
        return 1;
    }
    var bytes = result.Bytes;
    Console.WriteLine($$"""{"mirrors":{{m}},"objects":{{objects}},"bytes":{{bytes}},"wallSeconds":{{clock.Elapsed.TotalSeconds:F3}},"cpuSeconds":{{cpu:F3}},"userSeconds":{{user:F3}},"sourceMBps":{{bytes / 1e6 / clock.Elapsed.TotalSeconds:F1}},"tapeBytes":{{Directory.GetFiles(Path.Combine(tapes, "library", "cartridges")).Sum(f => new FileInfo(f).Length)}}}""");
    Directory.Delete(tapes, true);
}
if (Directory.Exists(root) && !Directory.EnumerateFileSystemEntries(root).Any())
    Directory.Delete(root);
return 0;
