using ClusterBackup.Engine.Operations;

namespace ClusterBackup.Engine.Tests;

/// <summary>Keeps the verbose messages and warnings an operation reports, for tests that check what it did.</summary>
public sealed class RecordingReporter : IOperationReporter
{
    public List<string> Messages { get; } = [];
    public void Progress(string activity, string status, int percentComplete) { }
    public void Verbose(string message) { lock (Messages) Messages.Add(message); }
    public void Warning(string message) { lock (Messages) Messages.Add(message); }
}
