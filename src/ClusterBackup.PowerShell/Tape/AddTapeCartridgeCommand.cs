using System.Management.Automation;
using ClusterBackup.Engine.Common;
using ClusterBackup.Engine.Tape;

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
public sealed class AddTapeCartridgeCommand : TapeCartridgeCmdlet
{
    /// <summary>Capacity of each cartridge in bytes.</summary>
    [Parameter]
    [PSDefaultValue(Value = 1L << 30, Help = "1 GiB (1073741824 bytes)")]
    public long CapacityBytes { get; set; } = 1L << 30;

    /// <summary>Size of the early-warning zone before the end of the medium, in bytes.</summary>
    [Parameter]
    [PSDefaultValue(Value = 4L << 20, Help = "4 MiB (4194304 bytes)")]
    public long EarlyWarningBytes { get; set; } = 4L << 20;

    /// <summary>A new cartridge may be the first thing a new catalog records.</summary>
    protected override bool CreatesCatalog => true;

    protected override string Action => "Add blank cartridge";

    protected override Task<TapeCartridgeInfo> RunAsync(EngineSession engine, string barcode, IOperationReporter reporter, CancellationToken cancellationToken) =>
        engine.AddTapeCartridge().RunAsync(new AddTapeCartridgeRequest(LibraryPath, barcode, CapacityBytes, EarlyWarningBytes), reporter, cancellationToken);
}
