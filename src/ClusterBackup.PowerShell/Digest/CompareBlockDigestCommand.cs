using System.Management.Automation;
using ClusterBackup.Engine.Digest;

namespace ClusterBackup.PowerShell.Digest;

/// <summary>
/// <para type="synopsis">Compares a primary file or block device with its backup block by block, and optionally repairs the backup.</para>
/// <para type="description">Each side computes a digest per block (SHA-256 by default, or XXH3-128); only digests are compared.
/// The backup can be a local path, a digest file, or a path on a remote system where `clusterbackup digest serve` runs
/// (-ComputerName): that endpoint digests its own copy and streams group digests, then block digests of the groups that differ.
/// With -Repair only the differing blocks are sent; the backup writes them in place, flushes, and re-reads them to verify.
/// -WhatIf reports what a repair would send. With -Role Backup the backup system starts the comparison against a primary's endpoint.</para>
/// <example>
/// <code>Compare-BlockDigest -Path /data/sales.mdf -ComputerName backup01:7414 -RemotePath /backup/sales.mdf -KeyFile /etc/clusterbackup/digest.key -Repair</code>
/// <para>Repairs the copy on backup01 so it equals the primary, sending only the blocks that differ.</para>
/// </example>
/// <example>
/// <code>Compare-BlockDigest -Path ./primary.img -BackupPath ./copy.img -BlockSize 4096 | Select-Object -ExpandProperty DifferingRanges</code>
/// <para>Lists the byte ranges where two local images differ.</para>
/// </example>
/// </summary>
[Cmdlet(VerbsData.Compare, "BlockDigest", SupportsShouldProcess = true, ConfirmImpact = ConfirmImpact.Medium, DefaultParameterSetName = LocalSet)]
[OutputType(typeof(BlockDigestComparison))]
public sealed class CompareBlockDigestCommand : ClusterBackupCmdlet
{
    private const string LocalSet = "Local", FileSet = "DigestFile", RemoteSet = "Remote";

    /// <summary>The local file or block device: the primary, or with -Role Backup the backup copy.</summary>
    [Parameter(Mandatory = true, Position = 0, ValueFromPipelineByPropertyName = true)]
    [Alias("FullName", "PrimaryPath")]
    [FileSystemPath]
    public string Path { get; set; } = "";

    /// <summary>The local backup file or block device to compare with (and repair).</summary>
    [Parameter(Mandatory = true, Position = 1, ParameterSetName = LocalSet, ValueFromPipelineByPropertyName = true)]
    [FileSystemPath]
    public string BackupPath { get; set; } = "";

    /// <summary>A digest file (from Export-BlockDigest or a changed-block backup map) to compare with; no repair.</summary>
    [Parameter(Mandatory = true, ParameterSetName = FileSet)]
    [FileSystemPath]
    public string DigestFile { get; set; } = "";

    /// <summary>The remote digest endpoint, host or host:port (default port 7414).</summary>
    [Parameter(Mandatory = true, ParameterSetName = RemoteSet)]
    [Alias("Remote")]
    public string ComputerName { get; set; } = "";

    /// <summary>The path of the other copy on the remote system (under the endpoint's served root).</summary>
    [Parameter(Mandatory = true, ParameterSetName = RemoteSet)]
    public string RemotePath { get; set; } = "";

    /// <summary>The shared key file, the same as the endpoint's; the key never crosses the network.</summary>
    [Parameter(Mandatory = true, ParameterSetName = RemoteSet)]
    [FileSystemPath]
    public string KeyFile { get; set; } = "";

    /// <summary>The role of -Path: Primary (default) or Backup, when the backup system starts the comparison.</summary>
    [Parameter(ParameterSetName = RemoteSet)]
    [PSDefaultValue(Value = DigestRole.Primary)]
    public DigestRole Role { get; set; } = DigestRole.Primary;

    /// <summary>Block size in bytes (a multiple of 512); default 65536.</summary>
    [Parameter]
    [PSDefaultValue(Value = BlockDigestOptions.DefaultBlockSize)]
    public int BlockSize { get; set; } = BlockDigestOptions.DefaultBlockSize;

    /// <summary>Sha256 (default) or Xxh3.</summary>
    [Parameter]
    [PSDefaultValue(Value = DigestAlgorithm.Sha256)]
    public DigestAlgorithm Algorithm { get; set; } = DigestAlgorithm.Sha256;

    /// <summary>Blocks per group for the two-level comparison; default 64.</summary>
    [Parameter]
    [PSDefaultValue(Value = BlockDigestOptions.DefaultGroupBlocks)]
    public int GroupSize { get; set; } = BlockDigestOptions.DefaultGroupBlocks;

    /// <summary>Digest worker threads; default one per core.</summary>
    [Parameter]
    public int Parallelism { get; set; }

    /// <summary>Write the differing blocks into the backup, flush, and verify them.</summary>
    [Parameter(ParameterSetName = LocalSet)]
    [Parameter(ParameterSetName = RemoteSet)]
    public SwitchParameter Repair { get; set; }

    protected override void ProcessRecord()
    {
        var backupName = ParameterSetName switch { RemoteSet => $"{ComputerName}:{RemotePath}", FileSet => DigestFile, _ => BackupPath };
        var whatIf = Repair.IsPresent && !ShouldProcess(Role == DigestRole.Backup ? Path : backupName, "Write the blocks that differ from the primary");
        try
        {
            var request = new CompareBlockDigestRequest
            {
                Path = GetUnresolvedProviderPathFromPSPath(Path),
                BackupPath = ParameterSetName == LocalSet ? GetUnresolvedProviderPathFromPSPath(BackupPath) : null,
                DigestFilePath = ParameterSetName == FileSet ? GetUnresolvedProviderPathFromPSPath(DigestFile) : null,
                Remote = ParameterSetName == RemoteSet ? DigestEndpoint.Parse(ComputerName) : null,
                RemotePath = ParameterSetName == RemoteSet ? RemotePath : null,
                KeyFile = ParameterSetName == RemoteSet ? GetUnresolvedProviderPathFromPSPath(KeyFile) : null,
                LocalRole = Role,
                Options = new BlockDigestOptions { BlockSize = BlockSize, Algorithm = Algorithm, GroupBlocks = GroupSize, Parallelism = Parallelism },
                Repair = Repair.IsPresent,
                WhatIf = whatIf,
            };
            WriteObject(RunEngine((token, reporter) => new CompareBlockDigestOperation().RunAsync(request, reporter, token)));
        }
        catch (Exception ex) when (ex is not PipelineStoppedException)
        {
            WriteEngineError(ex, Path);
        }
    }
}
