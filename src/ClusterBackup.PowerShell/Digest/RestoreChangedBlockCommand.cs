using System.Management.Automation;
using ClusterBackup.Engine.Digest;

namespace ClusterBackup.PowerShell.Digest;

/// <summary>
/// <para type="synopsis">Rebuilds any generation of a changed-block backup, byte for byte.</para>
/// <para type="description">Applies generations 1 to N from the store into a temporary file, checking each changed-block file's
/// checksum, verifies the result against generation N's backup map, and only then moves it to the destination.</para>
/// <example>
/// <code>Restore-ChangedBlock -StorePath base.img.blocks -Generation 3 -Destination base-3.img</code>
/// <para>Rebuilds the file as it was at generation 3.</para>
/// </example>
/// </summary>
[Cmdlet(VerbsData.Restore, "ChangedBlock", SupportsShouldProcess = true)]
[OutputType(typeof(RestoreChangedBlockResult))]
public sealed class RestoreChangedBlockCommand : ClusterBackupCmdlet
{
    /// <summary>The store folder of the chain.</summary>
    [Parameter(Mandatory = true, Position = 0, ValueFromPipelineByPropertyName = true)]
    [FileSystemPath]
    public string StorePath { get; set; } = "";

    /// <summary>The generation to rebuild; default the latest.</summary>
    [Parameter(ValueFromPipelineByPropertyName = true)]
    public int Generation { get; set; }

    /// <summary>The file to write.</summary>
    [Parameter(Mandatory = true, Position = 1)]
    [FileSystemPath]
    public string Destination { get; set; } = "";

    /// <summary>Replace the destination if it exists.</summary>
    [Parameter]
    public SwitchParameter Force { get; set; }

    /// <summary>The catalog file; defaults to CLUSTERBACKUP_CATALOG or the backup server's default location.</summary>
    [Parameter]
    [FileSystemPath]
    public string? CatalogPath { get; set; }

    protected override void ProcessRecord()
    {
        if (!ShouldProcess(Destination, $"Rebuild generation {(Generation == 0 ? "latest" : Generation.ToString())} of {StorePath}"))
            return;
        try
        {
            var catalog = OpenCatalog(CatalogPath);
            var request = new RestoreChangedBlockRequest
            {
                StorePath = GetUnresolvedProviderPathFromPSPath(StorePath),
                Generation = Generation,
                DestinationPath = GetUnresolvedProviderPathFromPSPath(Destination),
                Force = Force.IsPresent,
            };
            WriteObject(RunEngine((token, reporter) => new RestoreChangedBlockOperation(catalog).RunAsync(request, reporter, token)));
        }
        catch (Exception ex) when (ex is not PipelineStoppedException)
        {
            WriteEngineError(ex, StorePath);
        }
    }
}
