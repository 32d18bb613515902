namespace ClusterBackup.Engine.Tape.Agents;

/// <summary>Verify only: the restore agent checks length and SHA-256; the bytes go nowhere.</summary>
public sealed class NullObjectSink : IObjectSink
{
    public void Write(ReadOnlySpan<byte> data) { }
    public void Complete(long length, string sha256) { }
    public void Abort(Exception error) { }
}
