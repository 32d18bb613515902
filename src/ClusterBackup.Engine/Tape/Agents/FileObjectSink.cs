using ClusterBackup.Engine.Common;

namespace ClusterBackup.Engine.Tape.Agents;

/// <summary>Restores an object to a file: written under a temporary name, renamed only when length and SHA-256 matched.</summary>
public sealed class FileObjectSink : IObjectSink
{
    private readonly string _temp;
    private readonly FileStream _stream;

    public FileObjectSink(string path, bool overwrite)
    {
        Path = System.IO.Path.GetFullPath(path);
        if (File.Exists(Path) && !overwrite)
            throw new ClusterBackupException(ErrorKind.InvalidOperation, Path, $"'{Path}' exists; pass -Force (--force) to overwrite it.");
        Directory.CreateDirectory(System.IO.Path.GetDirectoryName(Path)!);
        _temp = Path + $".restore-{Guid.NewGuid():N}.tmp";
        _stream = new FileStream(_temp, FileMode.CreateNew, FileAccess.Write, FileShare.None, 1 << 20);
    }

    public string Path { get; }
    public bool Completed { get; private set; }

    public void Write(ReadOnlySpan<byte> data) => _stream.Write(data);

    public void Complete(long length, string sha256)
    {
        _stream.Flush(flushToDisk: true);
        _stream.Dispose();
        File.Move(_temp, Path, overwrite: true);
        Completed = true;
    }

    public void Abort(Exception error)
    {
        _stream.Dispose();
        try { File.Delete(_temp); } catch (IOException) { }
    }
}
