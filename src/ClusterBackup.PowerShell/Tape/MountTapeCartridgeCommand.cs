using System.Management.Automation;
using ClusterBackup.Engine.Media.Operations;

namespace ClusterBackup.PowerShell.Tape;

/// <summary>
/// <para type="synopsis">Loads a cartridge into a drive of the library.</para>
/// <para type="description">Moves the cartridge from its slot into the drive (unloading what the drive held) and loads it.</para>
/// <example>
/// <code>Mount-TapeCartridge -Barcode VT0001 -Drive drive0</code>
/// <para>Loads VT0001 into drive0.</para>
/// </example>
/// </summary>
[Cmdlet(VerbsData.Mount, "TapeCartridge", SupportsShouldProcess = true)]
[OutputType(typeof(TapeCartridgeInfo))]
public sealed class MountTapeCartridgeCommand : ClusterBackupCmdlet
{
    /// <summary>The cartridge barcodes; piped cartridges bind here.</summary>
    [Parameter(Mandatory = true, Position = 0, ValueFromPipelineByPropertyName = true)]
    public string[] Barcode { get; set; } = [];

    /// <summary>The drive to load into.</summary>
    [Parameter(Mandatory = true)]
    public string Drive { get; set; } = "";

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
            if (!ShouldProcess(barcode, "Load into drive"))
                continue;
            try
            {
                WriteObject(RunEngine((_, reporter) => Task.FromResult(TapeLibraryOperations.Load(TapeContext.Open(CatalogPath, LibraryPath, reporter), barcode, Drive))));
            }
            catch (Exception ex) when (ex is not PipelineStoppedException)
            {
                WriteEngineError(ex, barcode);
            }
        }
    }
}
