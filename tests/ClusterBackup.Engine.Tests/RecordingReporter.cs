using ClusterBackup.Engine.Common;

namespace ClusterBackup.Engine.Tests;

/// <summary>
/// Keeps the verbose messages and warnings an operation reports, for tests that check what it did, and lets a
/// test react to progress (e.g. stop a repair or a backup half-way).
/// </summary>
public sealed class RecordingReporter(Action<string, int>? onProgress = null) : IOperationReporter
{
    /// <summary>Verbose messages and warnings, in order.</summary>
    public List<string> Messages { get; } = [];

    /// <summary>The warnings alone.</summary>
    public List<string> Warnings { get; } = [];

    public void Progress(string activity, string status, int percentComplete) => onProgress?.Invoke(activity, percentComplete);

    public void Verbose(string message) { lock (Messages) Messages.Add(message); }

    public void Warning(string message)
    {
        lock (Messages)
        {
            Messages.Add(message);
            Warnings.Add(message);
        }
    }
}
