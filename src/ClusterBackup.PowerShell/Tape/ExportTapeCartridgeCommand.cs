using System.Management.Automation;
using ClusterBackup.Engine.Common;
using ClusterBackup.Engine.Tape;

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
public sealed class ExportTapeCartridgeCommand : TapeCartridgeCmdlet
{
    protected override string Action => "Export cartridge";

    protected override Task<TapeCartridgeInfo> RunAsync(EngineSession engine, string barcode, IOperationReporter reporter, CancellationToken cancellationToken) =>
        engine.ExportTapeCartridge().RunAsync(new ExportTapeCartridgeRequest(LibraryPath, barcode), reporter, cancellationToken);
}
