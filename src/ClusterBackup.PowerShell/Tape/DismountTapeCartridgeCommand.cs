using System.Management.Automation;
using ClusterBackup.Engine.Media.Operations;

namespace ClusterBackup.PowerShell.Tape;

/// <summary>
/// <para type="synopsis">Unloads the cartridge in a drive back to its slot.</para>
/// <para type="description">Unloads the drive and returns its cartridge to its home slot.</para>
/// <example>
/// <code>Dismount-TapeCartridge -Drive drive0</code>
/// <para>Empties drive0.</para>
/// </example>
/// </summary>
[Cmdlet(VerbsData.Dismount, "TapeCartridge", SupportsShouldProcess = true)]
[OutputType(typeof(TapeCartridgeInfo))]
public sealed class DismountTapeCartridgeCommand : ClusterBackupCmdlet
{
    /// <summary>The drive to unload; piped drives bind here.</summary>
    [Parameter(Mandatory = true, Position = 0, ValueFromPipelineByPropertyName = true)]
    [Alias("Name")]
    public string Drive { get; set; } = "";

    /// <summary>The tape library folder; defaults to CLUSTERBACKUP_TAPE_LIBRARY.</summary>
    [Parameter]
    public string? LibraryPath { get; set; }

    /// <summary>The catalog file; defaults to CLUSTERBACKUP_CATALOG or the backup server's default location.</summary>
    [Parameter]
    public string? CatalogPath { get; set; }

    protected override void ProcessRecord()
    {
        if (!ShouldProcess(Drive, "Unload"))
            return;
        try
        {
            WriteObject(RunEngine((_, reporter) => Task.FromResult(TapeLibraryOperations.Unload(TapeContext.Open(CatalogPath, LibraryPath, reporter), Drive))));
        }
        catch (Exception ex) when (ex is not PipelineStoppedException)
        {
            WriteEngineError(ex, Drive);
        }
    }
}
