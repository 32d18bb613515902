using System.Management.Automation;
using ClusterBackup.Engine.Common;
using ClusterBackup.Engine.Tape;
using ClusterBackup.PowerShell.Completion;

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
public sealed class DismountTapeCartridgeCommand : TapeCmdlet
{
    /// <summary>The drive to unload; piped drives bind here.</summary>
    [Parameter(Mandatory = true, Position = 0, ValueFromPipelineByPropertyName = true)]
    [Alias("Name")]
    [ArgumentCompleter(typeof(DriveCompleter))]
    public string Drive { get; set; } = "";

    protected override void ProcessRecord()
    {
        if (!ShouldProcess(Drive, "Unload"))
            return;
        try
        {
            var engine = OpenEngine(new EngineSessionRequest(CatalogPath));
            WriteObject(RunEngine((token, reporter) => engine.DismountTapeCartridge().RunAsync(new DismountTapeCartridgeRequest(LibraryPath, Drive), reporter, token)));
        }
        catch (Exception ex) when (ex is not PipelineStoppedException)
        {
            WriteEngineError(ex, Drive);
        }
    }
}
