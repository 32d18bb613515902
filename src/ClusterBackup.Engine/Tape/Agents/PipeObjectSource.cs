using System.Collections.Concurrent;
using ClusterBackup.Engine.Common;

namespace ClusterBackup.Engine.Tape.Agents;

/// <summary>
/// The per-object buffer between a restore agent and a backup agent in a copy group: the restore side
/// writes into it as a sink, the backup side reads it as a source. Bounded, so a fast reader waits for
/// the writer instead of filling memory.
/// </summary>
public sealed class PipeObjectSource(Guid objectId, string name, long length, Guid? backupSetId, string? sourcePath, string sha256, CancellationToken token)
    : ITapeObjectSource, IObjectSink
{
    private readonly BlockingCollection<byte[]> _segments = new(boundedCapacity: 16);
    private byte[]? _current;
    private int _offset;
    private Exception? _error;

    public Guid ObjectId => objectId;
    public string Name => name;
    public long Length => length;
    public Guid? BackupSetId => backupSetId;
    public string? SourcePath => sourcePath;
    public string? ExpectedSha256 => sha256;

    public void Write(ReadOnlySpan<byte> data)
    {
        if (data.Length > 0)
            _segments.Add(data.ToArray(), token);
    }

    public void Complete(long written, string sha) => _segments.CompleteAdding();

    public void Abort(Exception error)
    {
        _error = error;
        _segments.CompleteAdding();
    }

    public int Read(Span<byte> buffer, CancellationToken readToken)
    {
        while (_current is null || _offset == _current.Length)
        {
            if (!_segments.TryTake(out _current, Timeout.Infinite, readToken))
            {
                if (_error is not null)
                    throw new ClusterBackupException(ErrorKind.ReadError, name, $"Reading object {name} from the source tape failed: {_error.Message}", _error);
                _current = null;
                return 0;
            }
            _offset = 0;
        }
        var n = Math.Min(buffer.Length, _current.Length - _offset);
        _current.AsSpan(_offset, n).CopyTo(buffer);
        _offset += n;
        return n;
    }

    public void Dispose() => _segments.Dispose();
}
