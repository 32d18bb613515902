using System.Management.Automation;
using ClusterBackup.Engine.Media.Operations;

namespace ClusterBackup.PowerShell.Tape;

/// <summary>
/// <para type="synopsis">Exports cartridges from their slots to the library's export folder.</para>
/// <para type="description">Moves the cartridge file to export/ (for the vault) and frees its slot. The catalog keeps knowing what is on it.</para>
/// <example>
/// <code>Get-TapeCartridge -Pool Offsite | Export-TapeCartridge</code>
/// <para>Sends the offsite copies out of the library.</para>
/// </example>
/// </summary>
[Cmdlet(VerbsData.Export, "TapeCartridge", SupportsShouldProcess = true)]
[OutputType(typeof(TapeCartridgeInfo))]
public sealed class ExportTapeCartridgeCommand : ClusterBackupCmdlet
{
    /// <summary>The cartridge barcodes; piped cartridges bind here.</summary>
    [Parameter(Mandatory = true, Position = 0, ValueFromPipelineByPropertyName = true)]
    public string[] Barcode { get; set; } = [];

    /// <summary>The tape library folder; defaults to CLUSTERBACKUP_TAPE_LIBRARY.</summary>
    [Parameter]
    public string? LibraryPath { get; set; }

    /// <summary>The catalog file; defaults to CLUSTERBACKUP_CATALOG or the backup server's default location.</summary>
    [Parameter]
    public string? CatalogPath { get; set; }

    protected override void ProcessRecord()
    {
        foreach (var barcode in Barcode)
        {
            if (!ShouldProcess(barcode, "Export cartridge"))
                continue;
            try
            {
                WriteObject(RunEngine((_, reporter) => Task.FromResult(TapeLibraryOperations.Export(TapeContext.Open(CatalogPath, LibraryPath, reporter), barcode))));
            }
            catch (Exception ex) when (ex is not PipelineStoppedException)
            {
                WriteEngineError(ex, barcode);
            }
        }
    }
}
