using System.Security.Cryptography;
using System.Text;
using ClusterBackup.Engine.Common;
using ClusterBackup.Engine.Digest.Remote;

namespace ClusterBackup.Engine.Digest;

/// <summary>A new shared key file of a digest endpoint.</summary>
public sealed class DigestKeyFile
{
    public string Path { get; set; } = "";
    /// <summary>
    /// The first 16 hexadecimal digits of the key's SHA-256: the same on both ends when they share one key, so an admin
    /// can compare the copies without showing the key.
    /// </summary>
    public string Fingerprint { get; set; } = "";
}

/// <param name="Path">The key file to create; an existing file is never replaced.</param>
public sealed record NewDigestKeyRequest(string Path);

/// <summary>
/// Creates the shared key of a digest endpoint and its clients: 32 random bytes as base64 text, in a file readable only
/// by its owner from the moment it exists (docs/digest-protocol.md). Written under a temporary name and renamed, so a
/// crash leaves no half key, and never over an existing file: that key may be in use on the other end.
/// </summary>
public sealed class NewDigestKeyOperation
{
    public Task<DigestKeyFile> RunAsync(NewDigestKeyRequest request, IOperationReporter reporter, CancellationToken cancellationToken)
    {
        cancellationToken.ThrowIfCancellationRequested();
        var full = System.IO.Path.GetFullPath(request.Path);
        if (File.Exists(full) || Directory.Exists(full))
            throw new ClusterBackupException(ErrorKind.InvalidArgument, full, $"'{full}' exists; a new key never overwrites one that may be in use.") { Cause = "DigestKeyExists" };
        var text = Encoding.ASCII.GetBytes(Convert.ToBase64String(RandomNumberGenerator.GetBytes(32)) + "\n");
        AtomicFile.WriteThrough(full, temporary =>
        {
            var options = new FileStreamOptions { Mode = FileMode.CreateNew, Access = FileAccess.Write };
            if (!OperatingSystem.IsWindows())
                options.UnixCreateMode = UnixFileMode.UserRead | UnixFileMode.UserWrite;
            using var stream = new FileStream(temporary, options);
            stream.Write(text);
        }, "the shared key", overwrite: false);
        reporter.Verbose($"Created the shared key '{full}', readable only by its owner.");
        return Task.FromResult(new DigestKeyFile { Path = full, Fingerprint = DigestKey.Load(full).Fingerprint });
    }
}
