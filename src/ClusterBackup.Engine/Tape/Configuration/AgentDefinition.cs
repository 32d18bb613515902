using ClusterBackup.Engine.Tape.Format;

namespace ClusterBackup.Engine.Tape.Configuration;

/// <summary>A backup media agent: one drive, a pool, a block size and its buffers.</summary>
public sealed class AgentDefinition
{
    public string Name { get; set; } = "";
    public string Drive { get; set; } = "";
    public string Pool { get; set; } = "Default";
    public int BlockSize { get; set; } = TapeFormat.DefaultBlockSize;
    public List<BufferDefinition> Buffers { get; set; } = [];
}
