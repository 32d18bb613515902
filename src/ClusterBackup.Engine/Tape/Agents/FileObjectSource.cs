using ClusterBackup.Engine.Common;
using Microsoft.Win32.SafeHandles;

namespace ClusterBackup.Engine.Tape.Agents;

/// <summary>A file on the backup share, read with positional reads straight into the record buffers.</summary>
public sealed class FileObjectSource : ITapeObjectSource
{
    private readonly SafeFileHandle _handle;
    private long _offset;

    public FileObjectSource(string path, string name, Guid? objectId = null, Guid? backupSetId = null, string? expectedSha256 = null)
    {
        try
        {
            _handle = File.OpenHandle(path, FileMode.Open, FileAccess.Read, FileShare.Read, FileOptions.SequentialScan);
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
        {
            throw new ClusterBackupException(ErrorKind.ReadError, path, $"Cannot open '{path}' for the tape backup: {ex.Message}", ex);
        }
        Length = RandomAccess.GetLength(_handle);
        SourcePath = path;
        Name = name;
        ObjectId = objectId ?? Guid.NewGuid();
        BackupSetId = backupSetId;
        ExpectedSha256 = expectedSha256;
    }

    public Guid ObjectId { get; }
    public string Name { get; }
    public long Length { get; }
    public Guid? BackupSetId { get; }
    public string? SourcePath { get; }
    public string? ExpectedSha256 { get; }

    public int Read(Span<byte> buffer, CancellationToken token)
    {
        var n = RandomAccess.Read(_handle, buffer, _offset);
        _offset += n;
        return n;
    }

    public void Dispose() => _handle.Dispose();
}
