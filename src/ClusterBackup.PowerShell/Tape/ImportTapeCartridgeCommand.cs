using System.Management.Automation;
using ClusterBackup.Engine.Media.Operations;

namespace ClusterBackup.PowerShell.Tape;

/// <summary>
/// <para type="synopsis">Imports cartridges from the library's import folder into free slots.</para>
/// <para type="description">Moves import/BARCODE.tap into the library. The cartridge keeps what is on it; Get-TapeObject -FromMedia reads it.</para>
/// <example>
/// <code>Import-TapeCartridge -Barcode VT0099</code>
/// <para>Imports the cartridge VT0099 returned from the vault.</para>
/// </example>
/// </summary>
[Cmdlet(VerbsData.Import, "TapeCartridge", SupportsShouldProcess = true)]
[OutputType(typeof(TapeCartridgeInfo))]
public sealed class ImportTapeCartridgeCommand : ClusterBackupCmdlet
{
    /// <summary>The cartridge barcodes; piped cartridges bind here.</summary>
    [Parameter(Mandatory = true, Position = 0, ValueFromPipelineByPropertyName = true)]
    public string[] Barcode { get; set; } = [];

    /// <summary>Capacity of the cartridge in bytes.</summary>
    [Parameter]
    public long CapacityBytes { get; set; } = 1L << 30;

    /// <summary>Size of the early-warning zone, in bytes.</summary>
    [Parameter]
    public long EarlyWarningBytes { get; set; } = 4L << 20;

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
            if (!ShouldProcess(barcode, "Import cartridge"))
                continue;
            try
            {
                WriteObject(RunEngine((_, reporter) => Task.FromResult(TapeLibraryOperations.Import(TapeContext.Open(CatalogPath, LibraryPath, reporter), barcode, CapacityBytes, EarlyWarningBytes))));
            }
            catch (Exception ex) when (ex is not PipelineStoppedException)
            {
                WriteEngineError(ex, barcode);
            }
        }
    }
}
