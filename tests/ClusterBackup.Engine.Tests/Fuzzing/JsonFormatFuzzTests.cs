using ClusterBackup.Engine.Configuration;
using ClusterBackup.Engine.Schedule;
using ClusterBackup.Engine.Tape.Library;
using Xunit.Abstractions;
using MediaAgents = ClusterBackup.Engine.Tape.Configuration.MediaAgentConfiguration;

namespace ClusterBackup.Engine.Tests.Fuzzing;

/// <summary>
/// The files admins write or the product keeps as JSON, fuzzed from their documented examples: each reader reads
/// the input or refuses it naming the file, never with a raw runtime exception.
/// </summary>
[Trait("Category", "Fuzz")]
public class JsonFormatFuzzTests(ITestOutputHelper output)
{
    private const string Source = "fuzzed-input.json";

    [Fact]
    public void Configuration()
    {
        var seeds = DocumentedExamples.Json("configuration.md");
        seeds.ToList().ForEach(s => ClusterBackupConfiguration.Parse(s, Source));
        var counts = FormatFuzzer.Run(output, "configuration", JsonMutation.From(seeds), text =>
        {
            var configuration = ClusterBackupConfiguration.Parse(text, Source);
            foreach (var cluster in configuration.Clusters)
                configuration.ServersIn(cluster.Name);
        }, _ => Source, text => text, threads: FormatFuzzer.Threads);
        AssertBothOutcomes(counts);
    }

    [Fact]
    public void Schedule()
    {
        var seeds = DocumentedExamples.Json("schedule-format.md").Append(ScheduleFile.ToJson(WeeklyScheduleTemplate.Create())).ToList();
        seeds.ForEach(s => ScheduleFile.Parse(s, Source));
        var counts = FormatFuzzer.Run(output, "schedule", JsonMutation.From(seeds), text =>
        {
            var schedule = ScheduleFile.Parse(text, Source);
            ScheduleFile.ToJson(schedule);
        }, _ => Source, text => text, threads: FormatFuzzer.Threads);
        AssertBothOutcomes(counts);
    }

    [Fact]
    public void MediaAgentConfiguration()
    {
        var seeds = DocumentedExamples.Json("media-agent-configuration.md");
        seeds.ToList().ForEach(s => MediaAgents.Parse(s, Source));
        var counts = FormatFuzzer.Run(output, "media-agent configuration", JsonMutation.From(seeds), text =>
        {
            var configuration = MediaAgents.Parse(text, Source);
            configuration.Validate(["drive0", "drive1", "drive2"]);
            configuration.AssignChains(["pgvs/appdb/base.tar.gz", "pgvs/appdb/wal"]);
        }, _ => Source, text => text, threads: FormatFuzzer.Threads);
        AssertBothOutcomes(counts);
    }

    [Fact]
    public void TapeLibraryState()
    {
        var seeds = DocumentedExamples.Json("tape-library.md");
        using var folder = new TempDirectory("fuzz-library");
        var counts = FormatFuzzer.Run(output, "tape library state", JsonMutation.From(seeds), text =>
        {
            var root = folder.Combine($"library-{Environment.CurrentManagedThreadId}");
            Directory.CreateDirectory(root);
            File.WriteAllText(Path.Combine(root, "library.json"), text);
            var library = VirtualTapeLibrary.Open(root);
            library.GetDrives();
            library.GetCartridges();
        }, _ => "library.json", text => text, threads: FormatFuzzer.Threads);
        AssertBothOutcomes(counts);
    }

    /// <summary>A slice that only ever refused, or only ever read, did not reach the reader's checks.</summary>
    private static void AssertBothOutcomes(FuzzCounts counts)
    {
        Assert.True(counts.Accepted > 0, "no fuzzed input was read: the mutations never get past the first check");
        Assert.True(counts.Refused > 0, "no fuzzed input was refused: the mutations are not reaching the checks");
    }
}
