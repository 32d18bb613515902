using System.Diagnostics;
using ClusterBackup.Engine.Common;
using ClusterBackup.Engine.Tape.Agents;
using ClusterBackup.Engine.Tape.Drives;
using Xunit.Abstractions;

namespace ClusterBackup.Engine.Tests.Tape;

/// <summary>
/// Random and mutated cartridges fed to the reader for a bounded time: it must never crash, and must
/// always either read the tape or fail with a clear ClusterBackupException naming the tape.
/// </summary>
public class TapeReaderFuzzTests(ITestOutputHelper output)
{
    private static readonly TimeSpan Budget = TimeSpan.FromSeconds(2);

    [Fact]
    public void FixedSeed() => Fuzz(20261121);

    [Fact]
    public void RandomSeed()
    {
        var seed = Environment.TickCount;
        output.WriteLine($"tape reader fuzz seed: {seed} (rerun with FixedSeed's value replaced to reproduce)");
        Fuzz(seed);
    }

    private void Fuzz(int seed)
    {
        using var kit = new TapeTestKit(drives: 1, cartridges: 1);
        var agent = kit.Agent("A1", 0);
        var objects = Enumerable.Range(0, 3).Select(i => new ChainedObject(
            new FileObjectSource(kit.SourceFile($"f{i}", 40_000 + i * 33_333, i), $"f{i}"), [agent])).ToList();
        var written = TapeWriteSession.Run("fuzz", objects, NullOperationReporter.Instance, CancellationToken.None);
        objects.ForEach(o => o.Source.Dispose());
        Assert.Null(written.Error);
        var original = File.ReadAllBytes(kit.Library.GetCartridgeFile("VT0001").Path);
        Assert.Equal(3, ReadAll(kit.Directory.Combine("clean.tap"), original));

        var random = new Random(seed);
        var clock = Stopwatch.StartNew();
        var cases = 0;
        var failures = 0;
        while (clock.Elapsed < Budget)
        {
            var mutated = Mutate(original, random);
            var path = kit.Directory.Combine($"case.tap");
            try
            {
                ReadAll(path, mutated);
            }
            catch (ClusterBackupException ex)
            {
                failures++;
                Assert.False(string.IsNullOrWhiteSpace(ex.Message));
                Assert.Contains("VT0001", ex.Message + ex.Target);
            }
            catch (Exception ex)
            {
                Assert.Fail($"seed {seed}, case {cases}: the reader crashed with {ex.GetType().Name}: {ex.Message}\n{ex.StackTrace}");
            }
            cases++;
        }
        output.WriteLine($"seed {seed}: {cases} cartridges, {failures} rejected with a clear error");
        Assert.True(cases > 10);
    }

    /// <summary>Reads every session of the cartridge and checks every object; returns the objects complete.</summary>
    private static int ReadAll(string path, byte[] content)
    {
        File.WriteAllBytes(path, content);
        using var drive = new VirtualTapeDrive("fuzz");
        drive.Insert(new VirtualCartridge("VT0001", path, 1L << 30, 1 << 20));
        drive.Load();
        var complete = 0;
        for (var file = 1; file < 50; file++)
        {
            drive.Rewind();
            try { drive.SpaceFileMarks(file); }
            catch (ClusterBackupException ex) when (ex.Kind == ErrorKind.ReadError) { break; }
            var restore = new RestoreMediaAgent("fuzz", new OneFile(drive, file));
            var read = restore.Read(new RestoreStart(0, null, null), null, (_, _) => new NullObjectSink(), CancellationToken.None);
            if (read.Count == 0)
                break;
            complete += read.Count(r => r.Complete);
        }
        return complete;
    }

    private sealed class OneFile(ITapeDrive drive, int file) : IReadVolumeSource
    {
        public ReadVolume? Mount(int volumeSequence) => volumeSequence == 0 ? new ReadVolume(drive, "VT0001", file, null) : null;
        public void Dismount(ReadVolume volume) { }
    }

    private static byte[] Mutate(byte[] original, Random random)
    {
        switch (random.Next(6))
        {
            case 0: // pure noise
            {
                var noise = new byte[random.Next(0, 300_000)];
                random.NextBytes(noise);
                return noise;
            }
            case 1: // truncated anywhere
                return original[..random.Next(0, original.Length)];
            case 2: // a few flipped bits
            {
                var copy = (byte[])original.Clone();
                for (var i = random.Next(1, 8); i > 0; i--)
                    copy[random.Next(copy.Length)] ^= (byte)(1 << random.Next(8));
                return copy;
            }
            case 3: // a field overwritten with an extreme value, near a header
            {
                var copy = (byte[])original.Clone();
                var at = SpanningAndDamageTests.OffsetOfBlock(copy, random.Next(0, 4)) + random.Next(0, 4 + 64 + 64);
                var value = random.Next(4) switch { 0 => 0, 1 => -1, 2 => int.MaxValue, _ => random.Next() };
                BitConverter.TryWriteBytes(copy.AsSpan(Math.Min(at, copy.Length - 4)), value);
                return copy;
            }
            case 4: // a block removed or repeated
            {
                var a = SpanningAndDamageTests.OffsetOfBlock(original, random.Next(1, 4));
                var b = SpanningAndDamageTests.OffsetOfBlock(original, random.Next(4, 6));
                return random.Next(2) == 0 ? [.. original[..a], .. original[b..]] : [.. original[..b], .. original[a..b], .. original[b..]];
            }
            default: // a random run of garbage pasted in
            {
                var copy = (byte[])original.Clone();
                var at = random.Next(copy.Length);
                var run = new byte[Math.Min(random.Next(1, 5000), copy.Length - at)];
                random.NextBytes(run);
                run.CopyTo(copy, at);
                return copy;
            }
        }
    }
}
