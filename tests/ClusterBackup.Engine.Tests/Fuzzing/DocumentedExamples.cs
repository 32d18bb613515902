using System.Text.RegularExpressions;

namespace ClusterBackup.Engine.Tests.Fuzzing;

/// <summary>The JSON examples of a format's document under docs/: the fuzzers start from what admins copy.</summary>
public static partial class DocumentedExamples
{
    public static IReadOnlyList<string> Json(string document)
    {
        for (var folder = new DirectoryInfo(AppContext.BaseDirectory); folder is not null; folder = folder.Parent)
        {
            var path = Path.Combine(folder.FullName, "docs", document);
            if (File.Exists(Path.Combine(folder.FullName, "ClusterBackup.sln")) && File.Exists(path))
            {
                var examples = JsonBlock().Matches(File.ReadAllText(path)).Select(m => m.Groups[1].Value).ToList();
                Assert.True(examples.Count > 0, $"docs/{document} has no ```json example");
                return examples;
            }
        }
        throw new FileNotFoundException($"docs/{document} was not found above {AppContext.BaseDirectory}");
    }

    [GeneratedRegex(@"```json\r?\n(.*?)```", RegexOptions.Singleline)]
    private static partial Regex JsonBlock();
}
