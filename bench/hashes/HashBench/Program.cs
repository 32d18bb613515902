// Hash benchmark: the hand-written XXH3-128 the engine used to carry (HandWrittenXxh3.cs) against System.IO.Hashing's XxHash128, and the hand-written
// CRC32C (Tape/Format/Crc32C: one BitOperations.Crc32C chain below 32 KiB, three above) against a plain BitOperations.Crc32C loop, with System.IO.Hashing's Crc32 (IEEE polynomial,
// not the tape format's Castagnoli one) as a reference. Every pair is run on the same in-memory data, interleaved,
// in one process; the figure is the ratio of the medians. Output: one JSON line per case, then a Markdown table.
//   --total-mib N   bytes hashed per trial (default 1024)   --trials N (default 7)   --sizes 4096,16384,65536,262144
using System.Diagnostics;
using System.IO.Hashing;
using System.Numerics;
using System.Runtime.InteropServices;
using HashBench;
using ClusterBackup.Engine.Tape.Format;

var totalMib = Option("--total-mib", 1024);
var trials = Option("--trials", 7);
var sizes = (OptionText("--sizes") ?? "4096,16384,65536,262144").Split(',').Select(int.Parse).ToArray();

// 64 MiB of random data: larger than the caches, so every case reads memory as a real block stream does.
var data = new byte[64 << 20];
new Random(20261203).NextBytes(data);

// The hand-written and the library XXH3-128 must agree to the byte before their speed means anything.
var ours = new byte[16];
foreach (var length in new[] { 0, 1, 3, 16, 17, 128, 129, 240, 241, 1024, 4096, 65536, 262144, 1 << 20 })
{
    HandWrittenXxh3.Hash128(data.AsSpan(0, length), ours);
    if (!ours.AsSpan().SequenceEqual(XxHash128.Hash(data.AsSpan(0, length))))
        throw new InvalidOperationException($"XXH3-128 differs from System.IO.Hashing.XxHash128 at length {length}.");
    if (Crc32C.Compute(data.AsSpan(0, length)) != BitOperationsCrc32C(data.AsSpan(0, length)))
        throw new InvalidOperationException($"CRC32C differs from the BitOperations.Crc32C loop at length {length}.");
}

var rows = new List<string>();
foreach (var size in sizes)
{
    Pair("XXH3-128", size, "hand-written Xxh3.Hash128", block => { Span<byte> d = stackalloc byte[16]; HandWrittenXxh3.Hash128(block, d); return d[0]; },
        "System.IO.Hashing XxHash128.Hash", block => { Span<byte> d = stackalloc byte[16]; XxHash128.Hash(block, d); return d[0]; });
    Pair("CRC32C", size, "engine Crc32C.Compute", block => (byte)Crc32C.Compute(block),
        "BitOperations.Crc32C loop", block => (byte)BitOperationsCrc32C(block));
    Pair("CRC32 (reference)", size, "engine Crc32C.Compute", block => (byte)Crc32C.Compute(block),
        "System.IO.Hashing Crc32.HashToUInt32 (IEEE)", block => (byte)Crc32.HashToUInt32(block));
}
Console.WriteLine();
Console.WriteLine("| hash | block | hand-written MiB/s | library MiB/s | library / hand-written |");
Console.WriteLine("|---|---:|---:|---:|---:|");
foreach (var row in rows)
    Console.WriteLine(row);

void Pair(string hash, int size, string handName, BlockHash hand, string libraryName, BlockHash library)
{
    Measure(hand, size); Measure(library, size); // warm-up: compiled, tiered up
    var a = new List<double>();
    var b = new List<double>();
    for (var t = 0; t < trials; t++)
    {
        a.Add(Measure(hand, size));
        b.Add(Measure(library, size));
    }
    var ours = Median(a);
    var theirs = Median(b);
    Console.WriteLine($"{{\"hash\":\"{hash}\",\"block\":{size},\"hand\":\"{handName}\",\"handMiBs\":{ours:F0},\"library\":\"{libraryName}\",\"libraryMiBs\":{theirs:F0},\"ratio\":{theirs / ours:F3}}}");
    rows.Add($"| {hash}: {libraryName} vs {handName} | {size / 1024} KiB | {ours:F0} | {theirs:F0} | **{theirs / ours:F2}** |");
}

double Measure(BlockHash hash, int size)
{
    var blocks = (long)totalMib * (1 << 20) / size;
    var perPass = data.Length / size;
    byte sink = 0;
    var watch = Stopwatch.StartNew();
    for (long i = 0; i < blocks; i++)
        sink ^= hash(data.AsSpan((int)(i % perPass) * size, size));
    watch.Stop();
    GC.KeepAlive(sink);
    return blocks * (double)size / (1 << 20) / watch.Elapsed.TotalSeconds;
}

static uint BitOperationsCrc32C(ReadOnlySpan<byte> block)
{
    var crc = 0xFFFFFFFFu;
    var words = MemoryMarshal.Cast<byte, ulong>(block);
    foreach (var word in words)
        crc = BitOperations.Crc32C(crc, word);
    foreach (var b in block[(words.Length * 8)..])
        crc = BitOperations.Crc32C(crc, b);
    return ~crc;
}

static double Median(List<double> values)
{
    var sorted = values.Order().ToList();
    return sorted.Count % 2 == 1 ? sorted[sorted.Count / 2] : (sorted[sorted.Count / 2 - 1] + sorted[sorted.Count / 2]) / 2;
}

int Option(string name, int fallback) => OptionText(name) is { } text ? int.Parse(text) : fallback;

string? OptionText(string name)
{
    var i = Array.IndexOf(args, name);
    return i >= 0 && i + 1 < args.Length ? args[i + 1] : null;
}

/// <summary>Hashes one block and returns a byte of the result, so the work cannot be optimised away.</summary>
internal delegate byte BlockHash(ReadOnlySpan<byte> block);
