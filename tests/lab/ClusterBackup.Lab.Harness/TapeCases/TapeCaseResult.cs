using System.Text.Json.Serialization;

namespace ClusterBackup.Lab.Harness.TapeCases;

/// <summary>What one case saw: named observations (numbers, strings, lists), notes on how the emulation differs from a real drive, and the error that ended it, if any.</summary>
public sealed class TapeCaseResult(string name)
{
    public string Name { get; } = name;
    public Dictionary<string, object?> Observations { get; } = new(StringComparer.Ordinal);
    public List<string> Notes { get; } = [];
    /// <summary>The st driver calls the case made, with their results, for the lab's log.</summary>
    public List<string> Calls { get; set; } = [];
    public string? Error { get; set; }
    public double Seconds { get; set; }

    [JsonIgnore]
    public object? this[string key]
    {
        get => Observations.GetValueOrDefault(key);
        set => Observations[key] = value;
    }
}
