using System.Management.Automation;
using ClusterBackup.Engine.Catalog;
using ClusterBackup.Engine.Digest;

namespace ClusterBackup.PowerShell.Digest;

/// <summary>
/// <para type="synopsis">Lists the generations of a changed-block backup chain recorded in the catalog.</para>
/// <para type="description">Writes one ChangedBlockGeneration per generation, oldest first: when it was taken, how
/// (reflink or inconsistent copy), how many blocks changed and how many bytes it stores. Pipe one into Restore-ChangedBlock.</para>
/// <example>
/// <code>Get-ChangedBlockGeneration -StorePath base.img.blocks | Select-Object -Last 1 | Restore-ChangedBlock -Destination restored.img</code>
/// <para>Restores the latest generation.</para>
/// </example>
/// </summary>
[Cmdlet(VerbsCommon.Get, "ChangedBlockGeneration")]
[OutputType(typeof(ChangedBlockGeneration))]
public sealed class GetChangedBlockGenerationCommand : ClusterBackupCmdlet
{
    /// <summary>The store folder of the chain.</summary>
    [Parameter(Mandatory = true, Position = 0, ValueFromPipelineByPropertyName = true)]
    [FileSystemPath]
    public string StorePath { get; set; } = "";

    /// <summary>The catalog file; defaults to CLUSTERBACKUP_CATALOG or the backup server's default location.</summary>
    [Parameter]
    [FileSystemPath]
    public string? CatalogPath { get; set; }

    protected override void ProcessRecord()
    {
        try
        {
            var catalog = OpenCatalog(CatalogPath);
            var request = new GetChangedBlockGenerationRequest(GetUnresolvedProviderPathFromPSPath(StorePath));
            foreach (var generation in RunEngine((token, reporter) => new GetChangedBlockGenerationOperation(catalog).RunAsync(request, reporter, token)))
                WriteObject(generation);
        }
        catch (Exception ex) when (ex is not PipelineStoppedException)
        {
            WriteEngineError(ex, StorePath);
        }
    }
}
