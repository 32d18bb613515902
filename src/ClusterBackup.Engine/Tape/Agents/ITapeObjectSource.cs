namespace ClusterBackup.Engine.Tape.Agents;

/// <summary>A data object to write to tape: its identity, its length, and its bytes read in order.</summary>
public interface ITapeObjectSource : IDisposable
{
    Guid ObjectId { get; }
    /// <summary>The name kept on tape and in the catalog (relative, e.g. "SQLVS1/SALES/full_20261121.bak").</summary>
    string Name { get; }
    long Length { get; }
    Guid? BackupSetId { get; }
    /// <summary>Where the bytes come from on the share (null for copies from tape).</summary>
    string? SourcePath { get; }
    /// <summary>The SHA-256 the catalog recorded for the source, checked as the object is read; null when unknown.</summary>
    string? ExpectedSha256 { get; }
    /// <summary>Reads the next bytes; 0 at the end.</summary>
    int Read(Span<byte> buffer, CancellationToken token);
}
