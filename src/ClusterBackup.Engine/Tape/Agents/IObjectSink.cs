namespace ClusterBackup.Engine.Tape.Agents;

/// <summary>Where restored bytes of one object go: a file, a pipe into a copy, or nowhere (verify only).</summary>
public interface IObjectSink
{
    void Write(ReadOnlySpan<byte> data);
    /// <summary>All bytes arrived and matched the length and SHA-256 of the ObjectEnd record.</summary>
    void Complete(long length, string sha256);
    void Abort(Exception error);
}
