using System.Management.Automation;
using ClusterBackup.Engine.Common;
using ClusterBackup.Engine.Tape;

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
public sealed class ImportTapeCartridgeCommand : TapeCartridgeCmdlet
{
    /// <summary>Capacity of the cartridge in bytes.</summary>
    [Parameter]
    [PSDefaultValue(Value = 1L << 30, Help = "1 GiB (1073741824 bytes)")]
    public long CapacityBytes { get; set; } = 1L << 30;

    /// <summary>Size of the early-warning zone, in bytes.</summary>
    [Parameter]
    [PSDefaultValue(Value = 4L << 20, Help = "4 MiB (4194304 bytes)")]
    public long EarlyWarningBytes { get; set; } = 4L << 20;

    /// <summary>A new cartridge may be the first thing a new catalog records.</summary>
    protected override bool CreatesCatalog => true;

    protected override string Action => "Import cartridge";

    protected override Task<TapeCartridgeInfo> RunAsync(EngineSession engine, string barcode, IOperationReporter reporter, CancellationToken cancellationToken) =>
        engine.ImportTapeCartridge().RunAsync(new ImportTapeCartridgeRequest(LibraryPath, barcode, CapacityBytes, EarlyWarningBytes), reporter, cancellationToken);
}
