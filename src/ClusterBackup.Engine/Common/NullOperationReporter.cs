namespace ClusterBackup.Engine.Common;

/// <summary>A reporter that drops everything, for callers that do not care.</summary>
public sealed class NullOperationReporter : IOperationReporter
{
    public static readonly NullOperationReporter Instance = new();
    public void Progress(string activity, string status, int percentComplete) { }
    public void Verbose(string message) { }
    public void Warning(string message) { }
}
