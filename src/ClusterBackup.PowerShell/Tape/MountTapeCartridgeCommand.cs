using System.Management.Automation;
using ClusterBackup.Engine.Common;
using ClusterBackup.Engine.Tape;
using ClusterBackup.PowerShell.Completion;

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
public sealed class MountTapeCartridgeCommand : TapeCartridgeCmdlet
{
    /// <summary>The drive to load into.</summary>
    [Parameter(Mandatory = true)]
    [ArgumentCompleter(typeof(DriveCompleter))]
    public string Drive { get; set; } = "";

    protected override string Action => "Load into drive";

    protected override Task<TapeCartridgeInfo> RunAsync(EngineSession engine, string barcode, IOperationReporter reporter, CancellationToken cancellationToken) =>
        engine.MountTapeCartridge().RunAsync(new MountTapeCartridgeRequest(LibraryPath, barcode, Drive), reporter, cancellationToken);
}
