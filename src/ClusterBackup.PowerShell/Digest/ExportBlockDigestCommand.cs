using System.Management.Automation;
using ClusterBackup.Engine.Digest;

namespace ClusterBackup.PowerShell.Digest;

/// <summary>
/// <para type="synopsis">Writes the block digests of a file or block device to a digest file.</para>
/// <para type="description">Digests every block in parallel (one sequential region per core) and writes a digest file
/// with a header, the per-block digests and a checksum trailer (docs/digest-format.md). Compare a path with it later
/// using Compare-BlockDigest -DigestFile.</para>
/// <example>
/// <code>Export-BlockDigest -Path base.img -DigestPath base.cbdigest -Algorithm Xxh3</code>
/// <para>Records the state of a file, block by block. -Path takes a volume as well, such as /dev/sdb1 on Linux.</para>
/// </example>
/// </summary>
[Cmdlet(VerbsData.Export, "BlockDigest", SupportsShouldProcess = true)]
[OutputType(typeof(BlockDigestExport))]
public sealed class ExportBlockDigestCommand : ClusterBackupCmdlet
{
    /// <summary>The file or block device to digest.</summary>
    [Parameter(Mandatory = true, Position = 0, ValueFromPipelineByPropertyName = true)]
    [Alias("FullName")]
    [FileSystemPath]
    public string Path { get; set; } = "";

    /// <summary>The digest file to write (replaced if it exists).</summary>
    [Parameter(Mandatory = true, Position = 1)]
    [FileSystemPath]
    public string DigestPath { get; set; } = "";

    /// <summary>Block size in bytes (a multiple of 512); default 65536.</summary>
    [Parameter]
    [PSDefaultValue(Value = BlockDigestOptions.DefaultBlockSize)]
    public int BlockSize { get; set; } = BlockDigestOptions.DefaultBlockSize;

    /// <summary>Sha256 (default) or Xxh3.</summary>
    [Parameter]
    [PSDefaultValue(Value = DigestAlgorithm.Sha256)]
    public DigestAlgorithm Algorithm { get; set; } = DigestAlgorithm.Sha256;

    /// <summary>Digest worker threads; default one per core.</summary>
    [Parameter]
    public int Parallelism { get; set; }

    protected override void ProcessRecord()
    {
        if (!ShouldProcess(DigestPath, $"Write the block digests of {Path}"))
            return;
        try
        {
            var options = new BlockDigestOptions { BlockSize = BlockSize, Algorithm = Algorithm, Parallelism = Parallelism };
            var path = GetUnresolvedProviderPathFromPSPath(Path);
            var digestPath = GetUnresolvedProviderPathFromPSPath(DigestPath);
            WriteObject(RunEngine((token, reporter) => new ExportBlockDigestOperation().RunAsync(new ExportBlockDigestRequest(path, digestPath, options), reporter, token)));
        }
        catch (Exception ex) when (ex is not PipelineStoppedException)
        {
            WriteEngineError(ex, Path);
        }
    }
}
