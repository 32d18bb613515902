using System.Management.Automation;
using ClusterBackup.Engine.Digest;

namespace ClusterBackup.PowerShell.Digest;

/// <summary>
/// <para type="synopsis">Creates the shared key file of a digest endpoint and its clients.</para>
/// <para type="description">Writes 32 random bytes as base64 text to a new file readable only by its owner (on Linux,
/// mode 0600 from the moment the file exists; on Windows, the folder's permissions apply), under a temporary name that is
/// then renamed. An existing file is never replaced: that key may be in use on the other end. Writes the file's full path
/// and the key's fingerprint (the first 16 hexadecimal digits of its SHA-256), which is the same on the backup server and
/// on the primary when they hold the same key. Copy the file to the other end by a channel you trust. The same as
/// `clusterbackup digest new-key`.</para>
/// <example>
/// <code>New-ClusterBackupDigestKey -Path ./digest.key</code>
/// <para>Creates a key file in the current folder and shows its fingerprint.</para>
/// </example>
/// </summary>
[Cmdlet(VerbsCommon.New, "ClusterBackupDigestKey", SupportsShouldProcess = true)]
[OutputType(typeof(DigestKeyFile))]
public sealed class NewClusterBackupDigestKeyCommand : ClusterBackupCmdlet
{
    /// <summary>The key file to create; an existing file is an error and is kept.</summary>
    [Parameter(Mandatory = true, Position = 0)]
    [FileSystemPath]
    public string Path { get; set; } = "";

    protected override void ProcessRecord()
    {
        try
        {
            var path = GetUnresolvedProviderPathFromPSPath(Path);
            if (!ShouldProcess(path, "Create a shared key file"))
                return;
            WriteObject(RunEngine((token, reporter) => new NewDigestKeyOperation().RunAsync(new NewDigestKeyRequest(path), reporter, token)));
        }
        catch (Exception ex) when (ex is not PipelineStoppedException)
        {
            WriteEngineError(ex, Path);
        }
    }
}
