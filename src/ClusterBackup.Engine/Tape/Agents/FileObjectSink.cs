using System.Security.Cryptography;
using ClusterBackup.Engine.Common;

namespace ClusterBackup.Engine.Tape.Agents;

/// <summary>
/// Restores an object to a file. The bytes go to a temporary name beside the target and are hashed (SHA-256) as they are
/// written; only when the length and the hash of what was written match the tape's ObjectEnd record and, when given, the
/// length and SHA-256 the catalog recorded, is the file flushed and renamed into place. A copy that does not match is
/// rejected: its temporary file is removed, <see cref="Rejection"/> says why, and nothing at <see cref="Path"/> changes.
/// </summary>
public sealed class FileObjectSink : IObjectSink
{
    private readonly string _temp;
    private readonly FileStream _stream;
    private readonly IncrementalHash _sha = IncrementalHash.CreateHash(HashAlgorithmName.SHA256);
    private readonly long? _expectedLength;
    private readonly string? _expectedSha256;
    private long _written;
    private bool _closed;
    private readonly string? _createdFolder;

    /// <summary>Opens the temporary file for <paramref name="path"/>; refuses an existing file unless <paramref name="overwrite"/>.</summary>
    /// <param name="path">Where the object is restored.</param>
    /// <param name="overwrite">Replace an existing file (only once the new content has been verified).</param>
    /// <param name="expectedLength">The length the catalog recorded; null to trust the tape's ObjectEnd record alone.</param>
    /// <param name="expectedSha256">The SHA-256 (hex) the catalog recorded; null to trust the tape's ObjectEnd record alone.</param>
    public FileObjectSink(string path, bool overwrite, long? expectedLength = null, string? expectedSha256 = null)
    {
        Path = System.IO.Path.GetFullPath(path);
        if (File.Exists(Path) && !overwrite)
            throw new ClusterBackupException(ErrorKind.InvalidOperation, Path, $"'{Path}' exists; pass -Force (--force) to overwrite it.");
        var folder = System.IO.Path.GetDirectoryName(Path)!;
        for (var missing = folder; missing is not null && !Directory.Exists(missing); missing = System.IO.Path.GetDirectoryName(missing))
            _createdFolder = missing;
        Directory.CreateDirectory(folder);
        _expectedLength = expectedLength;
        _expectedSha256 = expectedSha256?.ToLowerInvariant();
        _temp = Path + $".restore-{Guid.NewGuid():N}.tmp";
        _stream = new FileStream(_temp, FileMode.CreateNew, FileAccess.Write, FileShare.None, 1 << 20);
    }

    /// <summary>The restored file's final path.</summary>
    public string Path { get; }

    /// <summary>True once the file was verified and renamed into place.</summary>
    public bool Completed { get; private set; }

    /// <summary>Why the copy was not put in place (its content differs from the catalog's); null when it was not rejected.</summary>
    public string? Rejection { get; private set; }

    /// <summary>The SHA-256 (lower-case hex) of the bytes written to the file, known once <see cref="Complete"/> ran.</summary>
    public string? WrittenSha256 { get; private set; }

    /// <inheritdoc />
    public void Write(ReadOnlySpan<byte> data)
    {
        _stream.Write(data);
        _sha.AppendData(data);
        _written += data.Length;
    }

    /// <summary>
    /// The tape copy ended with <paramref name="length"/> and <paramref name="sha256"/> (already checked by the restore agent against the
    /// bytes read). Puts the file in place when what was written matches them and the catalog; otherwise rejects the copy.
    /// </summary>
    public void Complete(long length, string sha256)
    {
        _stream.Flush(flushToDisk: true);
        var written = Convert.ToHexString(_sha.GetHashAndReset()).ToLowerInvariant();
        Close();
        WrittenSha256 = written;
        string? rejection = null;
        if (_written != length || !string.Equals(written, sha256, StringComparison.OrdinalIgnoreCase))
            rejection = $"the {_written} bytes written (SHA-256 {written}) differ from the copy's end record ({length} bytes, SHA-256 {sha256.ToLowerInvariant()})";
        else if (_expectedLength is { } expectedLength && expectedLength != _written)
            rejection = $"the copy holds {_written} bytes; the catalog recorded {expectedLength}";
        else if (_expectedSha256 is { } expected && !string.Equals(expected, written, StringComparison.Ordinal))
            rejection = $"the copy has SHA-256 {written}; the catalog recorded {expected}";
        if (rejection is not null)
        {
            Rejection = rejection;
            DeleteTemporary();
            return;
        }
        File.Move(_temp, Path, overwrite: true);
        Completed = true;
    }

    /// <inheritdoc />
    public void Abort(Exception error)
    {
        Close();
        DeleteTemporary();
    }

    private void Close()
    {
        if (_closed)
            return;
        _closed = true;
        _stream.Dispose();
        _sha.Dispose();
    }

    /// <summary>Removes the temporary file, and the folders this sink created when they are left empty.</summary>
    private void DeleteTemporary()
    {
        try
        {
            File.Delete(_temp);
            if (_createdFolder is null)
                return;
            for (var folder = System.IO.Path.GetDirectoryName(Path); folder is not null && folder.Length >= _createdFolder.Length; folder = System.IO.Path.GetDirectoryName(folder))
            {
                if (Directory.EnumerateFileSystemEntries(folder).Any())
                    return;
                Directory.Delete(folder);
            }
        }
        catch (IOException) { }
        catch (UnauthorizedAccessException) { }
    }
}
