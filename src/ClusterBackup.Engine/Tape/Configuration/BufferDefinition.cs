namespace ClusterBackup.Engine.Tape.Configuration;

/// <summary>A buffer of a media agent: fed by objects whose name matches <see cref="Objects"/> (backup group) or by the buffer named in <see cref="From"/> (a mirror: "Agent.Buffer").</summary>
public sealed class BufferDefinition
{
    public string Name { get; set; } = "";
    /// <summary>Backup group: a name pattern with * and ?, matched against the object name ("SQLVS1/SALES/*").</summary>
    public string? Objects { get; set; }
    /// <summary>Mirror group: the upstream buffer, "Agent.Buffer".</summary>
    public string? From { get; set; }
}
