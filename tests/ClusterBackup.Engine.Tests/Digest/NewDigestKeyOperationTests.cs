using System.Security.Cryptography;
using System.Text;
using ClusterBackup.Engine.Common;
using ClusterBackup.Engine.Digest;
using ClusterBackup.Engine.Digest.Remote;
using Xunit;

namespace ClusterBackup.Engine.Tests.Digest;

public sealed class NewDigestKeyOperationTests : IDisposable
{
    private readonly TempDirectory _folder = new();

    public void Dispose() => _folder.Dispose();

    [Fact]
    public async Task WritesThirtyTwoRandomBytesOnlyItsOwnerCanReadAndLeavesNoTemporaryFile()
    {
        var path = Path.Combine(_folder.Path, "keys", "digest.key");
        var reporter = new RecordingReporter();

        var created = await new NewDigestKeyOperation().RunAsync(new NewDigestKeyRequest(path), reporter, CancellationToken.None);

        Assert.Equal(path, created.Path);
        var text = File.ReadAllText(path);
        Assert.EndsWith("\n", text);
        var key = Convert.FromBase64String(text.TrimEnd('\n'));
        Assert.Equal(32, key.Length);
        Assert.Equal(Convert.ToHexString(SHA256.HashData(Encoding.ASCII.GetBytes(text.TrimEnd('\n'))), 0, 8).ToLowerInvariant(), created.Fingerprint);
        Assert.Equal(DigestKey.Load(path).Fingerprint, created.Fingerprint);
        if (!OperatingSystem.IsWindows())
            Assert.Equal(UnixFileMode.UserRead | UnixFileMode.UserWrite, File.GetUnixFileMode(path));
        Assert.Equal(["digest.key"], Directory.GetFiles(Path.GetDirectoryName(path)!).Select(Path.GetFileName));
        Assert.Empty(reporter.Warnings);
    }

    [Fact]
    public async Task TwoKeysDiffer()
    {
        var first = await new NewDigestKeyOperation().RunAsync(new NewDigestKeyRequest(Path.Combine(_folder.Path, "a.key")), new RecordingReporter(), CancellationToken.None);
        var second = await new NewDigestKeyOperation().RunAsync(new NewDigestKeyRequest(Path.Combine(_folder.Path, "b.key")), new RecordingReporter(), CancellationToken.None);
        Assert.NotEqual(File.ReadAllText(first.Path), File.ReadAllText(second.Path));
        Assert.NotEqual(first.Fingerprint, second.Fingerprint);
    }

    [Fact]
    public async Task NeverReplacesAKeyThatMayBeInUse()
    {
        var path = Path.Combine(_folder.Path, "digest.key");
        File.WriteAllText(path, "the key the other end holds\n");

        var error = await Assert.ThrowsAsync<ClusterBackupException>(() =>
            new NewDigestKeyOperation().RunAsync(new NewDigestKeyRequest(path), new RecordingReporter(), CancellationToken.None));

        Assert.Equal("DigestKeyExists", error.ErrorId);
        Assert.Equal(ErrorKind.InvalidArgument, error.Kind);
        Assert.Contains(path, error.Message);
        Assert.Equal("the key the other end holds\n", File.ReadAllText(path));
        Assert.Single(Directory.GetFiles(_folder.Path));
    }
}
