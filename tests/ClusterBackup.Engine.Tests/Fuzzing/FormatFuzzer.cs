using ClusterBackup.Engine.Common;
using CsCheck;
using Xunit.Abstractions;

namespace ClusterBackup.Engine.Tests.Fuzzing;

/// <summary>
/// Feeds a format's reader generated inputs and holds it to the contract every reader of the product keeps:
/// it reads the input, or it refuses it with a <see cref="ClusterBackupException"/> whose message names the file
/// and the cause; it never crashes with another exception, and never allocates without bound.
/// The test suite runs a short slice with a fixed seed; the benchmark tier (bench/fuzz) runs a million inputs per
/// format with CLUSTERBACKUP_TEST_FUZZ_INPUTS and a seed it prints. CLUSTERBACKUP_TEST_FUZZ_SEED replays a run.
/// </summary>
public static class FormatFuzzer
{
    public const int DefaultSeed = 20261203;
    public const long DefaultInputs = 600;

    /// <summary>An input may make a reader allocate this much at most: far above any valid file's needs here.</summary>
    private const long AllocationBound = 256L << 20;

    /// <summary>Texts of the runtime's own exceptions: an error that only wraps one does not say what is wrong with the file.</summary>
    private static readonly string[] RuntimeTexts =
    [
        "Object reference not set", "Index was outside", "out of the range of valid values", "Arithmetic operation resulted in an overflow",
        "was not in a correct format", "Value cannot be null", "Unable to cast", "Sequence contains",
    ];

    public static long Inputs => long.TryParse(Environment.GetEnvironmentVariable("CLUSTERBACKUP_TEST_FUZZ_INPUTS"), out var n) && n > 0 ? n : DefaultInputs;

    /// <summary>Every core for a benchmark-size run; one thread for the test suite's slice, whose cost stays small.</summary>
    public static int Threads => Inputs > DefaultInputs ? Environment.ProcessorCount : 1;

    public static int Seed => int.TryParse(Environment.GetEnvironmentVariable("CLUSTERBACKUP_TEST_FUZZ_SEED"), out var s) ? s : DefaultSeed;

    /// <param name="format">The format's name, for the report.</param>
    /// <param name="inputs">The generator of inputs.</param>
    /// <param name="read">Reads one input; it must return or throw a <see cref="ClusterBackupException"/>.</param>
    /// <param name="source">What every refusal must name: the file's path or name.</param>
    /// <param name="print">How a failing input is shown once shrunk.</param>
    /// <param name="threads">Threads to run on; <paramref name="read"/> must then be safe to call concurrently.</param>
    public static FuzzCounts Run<T>(ITestOutputHelper output, string format, Gen<T> inputs, Action<T> read, Func<T, string> source,
        Func<T, string> print, int threads = 1)
    {
        var count = Inputs;
        var seed = Seed;
        output.WriteLine($"{format}: {count} inputs from seed {seed}; CLUSTERBACKUP_TEST_FUZZ_SEED={seed} replays them");
        long accepted = 0, refused = 0;
        var clock = System.Diagnostics.Stopwatch.StartNew();
        // Input i comes from its own generator state, so a run is the same on any number of threads and a
        // failing input is replayed alone.
        Parallel.For(0, threads, new ParallelOptions { MaxDegreeOfParallelism = threads }, worker =>
        {
            for (var i = (long)worker; i < count; i += threads)
            {
                var state = InputState(seed, i);
                var input = inputs.Generate(new PCG(1, state), null!, out _);
                try
                {
                    if (Check(input, read, source))
                        Interlocked.Increment(ref accepted);
                    else
                        Interlocked.Increment(ref refused);
                }
                catch (Exception failure)
                {
                    throw new FuzzFailure(format, seed, i, print(input), Shrunk(inputs, read, source, print, state), failure);
                }
            }
        });
        var counts = new FuzzCounts(accepted, refused, clock.Elapsed);
        output.WriteLine($"{format}: {accepted} read, {refused} refused with an error naming the file, in {clock.Elapsed.TotalSeconds:F1} s");
        return counts;
    }

    private static ulong InputState(int seed, long input) => unchecked((ulong)seed * 0x9E3779B97F4A7C15UL ^ (ulong)input * 0xBF58476D1CE4E5B9UL);

    /// <summary>True when the input was read, false when it was refused as the contract allows; throws otherwise.</summary>
    private static bool Check<T>(T input, Action<T> read, Func<T, string> source)
    {
        var before = GC.GetAllocatedBytesForCurrentThread();
        bool accepted;
        try
        {
            read(input);
            accepted = true;
        }
        catch (ClusterBackupException ex)
        {
            var name = source(input);
            if (string.IsNullOrWhiteSpace(ex.Message) || !(ex.Message.Contains(name, StringComparison.Ordinal) || ex.Target.Contains(name, StringComparison.Ordinal)))
                throw new InvalidOperationException($"The refusal does not name '{name}': [{ex.ErrorId}] {ex.Message}", ex);
            if (RuntimeTexts.FirstOrDefault(t => ex.Message.StartsWith(t, StringComparison.Ordinal)) is { } text)
                throw new InvalidOperationException($"The refusal only repeats a runtime error ('{text}'): [{ex.ErrorId}] {ex.Message}", ex);
            accepted = false;
        }
        var allocated = GC.GetAllocatedBytesForCurrentThread() - before;
        if (allocated > AllocationBound)
            throw new InvalidOperationException($"Reading the input allocated {allocated:N0} bytes (bound {AllocationBound:N0}).");
        return accepted;
    }

    /// <summary>CsCheck's shrinking, started from the failing input: the smallest failing input it finds, as printed.</summary>
    private static string Shrunk<T>(Gen<T> inputs, Action<T> read, Func<T, string> source, Func<T, string> print, ulong state)
    {
        try
        {
            inputs.Sample(input => { Check(input, read, source); }, seed: new PCG(1, state).ToString(), iter: 500, threads: 1, print: print);
            return "(shrinking did not reproduce the failure)";
        }
        catch (Exception shrunk)
        {
            return shrunk.Message;
        }
    }
}

/// <summary>A reader broke the contract: the format, how to replay the input, the input, and the smallest failing one.</summary>
public sealed class FuzzFailure(string format, int seed, long input, string printed, string shrunk, Exception cause)
    : Exception($"{format}: input {input} of seed {seed} broke the reader's contract: {cause.GetType().Name}: {cause.Message}\n" +
        $"input: {Clip(printed)}\nshrunk: {Clip(shrunk)}", cause)
{
    private static string Clip(string text) => text.Length <= 4000 ? text : text[..4000] + $"... ({text.Length} characters)";
}

/// <summary>What a fuzzing run saw: inputs read, inputs refused with a clear error, and the time taken.</summary>
public sealed record FuzzCounts(long Accepted, long Refused, TimeSpan Elapsed);
