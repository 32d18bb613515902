using System.Management.Automation;
using ClusterBackup.Engine.Media.Operations;

namespace ClusterBackup.PowerShell.Tape;

/// <summary>
/// <para type="synopsis">Labels cartridges for a pool, erasing everything on them.</para>
/// <para type="description">Writes a new volume label (barcode, pool, block size, a new volume id) at the beginning of each cartridge. Everything on the tape is lost and the catalog forgets the copies it held, so this asks for confirmation (ConfirmImpact High).</para>
/// <example>
/// <code>Initialize-TapeCartridge -Barcode VT0005 -Pool Daily -BlockSize 262144</code>
/// <para>Labels VT0005 for the Daily pool with 256 KiB blocks.</para>
/// </example>
/// </summary>
[Cmdlet(VerbsData.Initialize, "TapeCartridge", SupportsShouldProcess = true, ConfirmImpact = ConfirmImpact.High)]
[OutputType(typeof(TapeCartridgeInfo))]
public sealed class InitializeTapeCartridgeCommand : ClusterBackupCmdlet
{
    /// <summary>The cartridge barcodes; piped cartridges bind here.</summary>
    [Parameter(Mandatory = true, Position = 0, ValueFromPipelineByPropertyName = true)]
    public string[] Barcode { get; set; } = [];

    /// <summary>The pool to label the cartridges for.</summary>
    [Parameter(Mandatory = true)]
    public string Pool { get; set; } = "";

    /// <summary>The block size in bytes: a multiple of 4096 from 64 KiB to 4 MiB.</summary>
    [Parameter]
    public int BlockSize { get; set; } = 256 * 1024;

    /// <summary>The drive to label with; default a free one.</summary>
    [Parameter]
    public string? Drive { get; set; }

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
            if (!ShouldProcess(barcode, "Label for pool (erases the tape)"))
                continue;
            try
            {
                WriteObject(RunEngine((_, reporter) => Task.FromResult(TapeLibraryOperations.Label(TapeContext.Open(CatalogPath, LibraryPath, reporter), barcode, Pool, BlockSize, Drive))));
            }
            catch (Exception ex) when (ex is not PipelineStoppedException)
            {
                WriteEngineError(ex, barcode);
            }
        }
    }
}
