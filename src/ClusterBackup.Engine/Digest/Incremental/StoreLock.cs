using ClusterBackup.Engine.Common;

namespace ClusterBackup.Engine.Digest.Incremental;

/// <summary>One backup or restore at a time per store: an exclusive lock file, released when disposed (or when the process dies).</summary>
internal sealed class StoreLock : IDisposable
{
    private readonly FileStream _stream;

    private StoreLock(FileStream stream) => _stream = stream;

    public static StoreLock Acquire(string store)
    {
        var path = Path.Combine(store, ".lock");
        try
        {
            return new StoreLock(new FileStream(path, FileMode.OpenOrCreate, FileAccess.ReadWrite, FileShare.None));
        }
        catch (IOException ex)
        {
            throw new ClusterBackupException(ErrorKind.ResourceBusy, store, $"Another backup is using the store '{store}' right now; try again when it has finished.", ex);
        }
    }

    public void Dispose() => _stream.Dispose();
}
