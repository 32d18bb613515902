using System.Management.Automation;
using ClusterBackup.Engine.Digest;

namespace ClusterBackup.PowerShell.Digest;

/// <summary>
/// <para type="synopsis">Backs up the blocks of a live file that changed since its last backup.</para>
/// <para type="description">Takes a consistent point-in-time copy of the file with a reflink clone (XFS with reflink=1, or btrfs),
/// digests it, compares it with the previous generation's backup map, and stores only the changed blocks plus the new map
/// in the store folder; the generation is recorded in the catalog. The first generation stores every block.
/// Where the file system cannot clone, the cmdlet stops with an error unless -AllowInconsistentCopy accepts reading the live file.</para>
/// <example>
/// <code>Backup-ChangedBlock -Path /xfs/pgdata/base.img -StorePath /backup/base.img.blocks -BlockSize 8192</code>
/// <para>Stores the 8 KiB blocks that changed since the last generation, read from a clone of the file (XFS with reflink, Btrfs).</para>
/// </example>
/// <example>
/// <code>Backup-ChangedBlock -Path base.img -StorePath base.img.blocks -AllowInconsistentCopy</code>
/// <para>On a file system that cannot clone (ext4, NTFS), stores the changed blocks of a file that nothing writes to meanwhile, such as a detached copy.</para>
/// </example>
/// </summary>
[Cmdlet(VerbsData.Backup, "ChangedBlock", SupportsShouldProcess = true)]
[OutputType(typeof(ChangedBlockGeneration))]
public sealed class BackupChangedBlockCommand : ClusterBackupCmdlet
{
    /// <summary>The live file to back up.</summary>
    [Parameter(Mandatory = true, Position = 0, ValueFromPipelineByPropertyName = true)]
    [Alias("FullName", "SourcePath")]
    [FileSystemPath]
    public string Path { get; set; } = "";

    /// <summary>The folder holding this file's generations (one store folder per file).</summary>
    [Parameter(Mandatory = true, Position = 1, ValueFromPipelineByPropertyName = true)]
    [FileSystemPath]
    public string StorePath { get; set; } = "";

    /// <summary>Block size of a new chain (a multiple of 512); an existing chain keeps its own. Default 65536.</summary>
    [Parameter]
    [PSDefaultValue(Value = BlockDigestOptions.DefaultBlockSize)]
    public int BlockSize { get; set; } = BlockDigestOptions.DefaultBlockSize;

    /// <summary>Digest algorithm of a new chain: Sha256 (default) or Xxh3.</summary>
    [Parameter]
    [PSDefaultValue(Value = DigestAlgorithm.Sha256)]
    public DigestAlgorithm Algorithm { get; set; } = DigestAlgorithm.Sha256;

    /// <summary>Proceed without a reflink clone, reading the live file while it may change (marked InconsistentCopy).</summary>
    [Parameter]
    public SwitchParameter AllowInconsistentCopy { get; set; }

    /// <summary>The catalog file; defaults to CLUSTERBACKUP_CATALOG or the backup server's default location.</summary>
    [Parameter]
    [FileSystemPath]
    public string? CatalogPath { get; set; }

    protected override void ProcessRecord()
    {
        if (!ShouldProcess(StorePath, $"Store the changed blocks of {Path}"))
            return;
        try
        {
            var catalog = OpenOrCreateCatalog(CatalogPath);
            var request = new BackupChangedBlockRequest
            {
                SourcePath = GetUnresolvedProviderPathFromPSPath(Path),
                StorePath = GetUnresolvedProviderPathFromPSPath(StorePath),
                Options = new BlockDigestOptions { BlockSize = BlockSize, Algorithm = Algorithm },
                AllowInconsistentCopy = AllowInconsistentCopy.IsPresent,
            };
            WriteObject(RunEngine((token, reporter) => new BackupChangedBlockOperation(catalog).RunAsync(request, reporter, token)));
        }
        catch (Exception ex) when (ex is not PipelineStoppedException)
        {
            WriteEngineError(ex, Path);
        }
    }
}
