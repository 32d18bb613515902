using System.Management.Automation;
using ClusterBackup.Engine.Common;
using ClusterBackup.Engine.Tape;
using ClusterBackup.PowerShell.Completion;

namespace ClusterBackup.PowerShell.Tape;

/// <summary>
/// <para type="synopsis">Lists the cartridges of the tape library with their labels from the catalog.</para>
/// <para type="description">Writes one TapeCartridgeInfo per cartridge: where it is (slot, drive, exported), its capacity and use, and the pool, status and volume id the catalog knows from its label.</para>
/// <example>
/// <code>Get-TapeCartridge -Pool Daily</code>
/// <para>Lists the cartridges labelled for the Daily pool.</para>
/// </example>
/// </summary>
[Cmdlet(VerbsCommon.Get, "TapeCartridge")]
[OutputType(typeof(TapeCartridgeInfo))]
public sealed class GetTapeCartridgeCommand : TapeCmdlet
{
    /// <summary>Only cartridges labelled for this pool.</summary>
    [Parameter]
    [ArgumentCompleter(typeof(PoolCompleter))]
    public string? Pool { get; set; }

    /// <summary>Only this cartridge.</summary>
    [Parameter(Position = 0, ValueFromPipelineByPropertyName = true)]
    [ArgumentCompleter(typeof(BarcodeCompleter))]
    public string? Barcode { get; set; }

    protected override void ProcessRecord()
    {
        try
        {
            var engine = OpenEngine(new EngineSessionRequest(CatalogPath));
            foreach (var c in RunEngine((token, reporter) => engine.GetTapeCartridge().RunAsync(new GetTapeCartridgeRequest(LibraryPath, Pool, Barcode), reporter, token)))
                WriteObject(c);
        }
        catch (Exception ex) when (ex is not PipelineStoppedException)
        {
            WriteEngineError(ex, Barcode ?? LibraryPath);
        }
    }
}
