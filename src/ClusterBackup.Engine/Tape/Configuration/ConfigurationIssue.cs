namespace ClusterBackup.Engine.Tape.Configuration;

/// <summary>One problem found by validation, with the element at fault.</summary>
public sealed record ConfigurationIssue(string Element, string Message);
