using System.Management.Automation;
using ClusterBackup.Engine.Common;
using ClusterBackup.Engine.Tape;
using ClusterBackup.PowerShell.Completion;

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
public sealed class InitializeTapeCartridgeCommand : TapeCartridgeCmdlet
{
    /// <summary>The pool to label the cartridges for.</summary>
    [Parameter(Mandatory = true)]
    [ArgumentCompleter(typeof(PoolCompleter))]
    public string Pool { get; set; } = "";

    /// <summary>The block size in bytes: a multiple of 4096 from 64 KiB to 4 MiB.</summary>
    [Parameter]
    [PSDefaultValue(Value = 256 * 1024, Help = "256 KiB (262144 bytes)")]
    public int BlockSize { get; set; } = 256 * 1024;

    /// <summary>The drive to label with; default a free one.</summary>
    [Parameter]
    [ArgumentCompleter(typeof(DriveCompleter))]
    public string? Drive { get; set; }

    protected override string Action => "Label for pool (erases the tape)";

    protected override Task<TapeCartridgeInfo> RunAsync(EngineSession engine, string barcode, IOperationReporter reporter, CancellationToken cancellationToken) =>
        engine.InitializeTapeCartridge().RunAsync(new InitializeTapeCartridgeRequest(LibraryPath, barcode, Pool, BlockSize, Drive), reporter, cancellationToken);
}
