using System.Management.Automation;
using ClusterBackup.Engine.Media.Operations;

namespace ClusterBackup.PowerShell.Tape;

/// <summary>
/// <para type="synopsis">Adds new blank cartridges to free slots of the tape library.</para>
/// <para type="description">Creates an empty cartridge file for each barcode, with a capacity and an early-warning zone. A blank cartridge is labelled for a pool when a job first needs it, or with Initialize-TapeCartridge.</para>
/// <example>
/// <code>Add-TapeCartridge -Barcode VT0001,VT0002 -CapacityBytes 10GB</code>
/// <para>Adds two 10 GB cartridges.</para>
/// </example>
/// </summary>
[Cmdlet(VerbsCommon.Add, "TapeCartridge", SupportsShouldProcess = true)]
[OutputType(typeof(TapeCartridgeInfo))]
public sealed class AddTapeCartridgeCommand : ClusterBackupCmdlet
{
    /// <summary>The cartridge barcodes; piped cartridges bind here.</summary>
    [Parameter(Mandatory = true, Position = 0, ValueFromPipelineByPropertyName = true)]
    public string[] Barcode { get; set; } = [];

    /// <summary>Capacity of each cartridge in bytes.</summary>
    [Parameter]
    public long CapacityBytes { get; set; } = 1L << 30;

    /// <summary>Size of the early-warning zone before the end of the medium, in bytes.</summary>
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
            if (!ShouldProcess(barcode, "Add blank cartridge"))
                continue;
            try
            {
                WriteObject(RunEngine((_, reporter) => Task.FromResult(TapeLibraryOperations.AddCartridge(TapeContext.Open(CatalogPath, LibraryPath, reporter), barcode, CapacityBytes, EarlyWarningBytes))));
            }
            catch (Exception ex) when (ex is not PipelineStoppedException)
            {
                WriteEngineError(ex, barcode);
            }
        }
    }
}
