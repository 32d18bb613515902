using System.Management.Automation;
using ClusterBackup.Engine.Common;
using ClusterBackup.Engine.Tape;

namespace ClusterBackup.PowerShell.Tape;

/// <summary>
/// <para type="synopsis">Lists the drives of the tape library and the cartridge in each.</para>
/// <para type="description">Writes one TapeDriveInfo per drive of the library: its name and the barcode of the cartridge loaded, if any.</para>
/// <example>
/// <code>Get-TapeDrive -LibraryPath vtl</code>
/// <para>Shows the drives and what they hold.</para>
/// </example>
/// </summary>
[Cmdlet(VerbsCommon.Get, "TapeDrive")]
[OutputType(typeof(TapeDriveInfo))]
public sealed class GetTapeDriveCommand : TapeCmdlet
{
    protected override void ProcessRecord()
    {
        try
        {
            var engine = OpenEngine(new EngineSessionRequest(CatalogPath, Catalog: CatalogUse.None));
            foreach (var d in RunEngine((token, reporter) => engine.GetTapeDrive().RunAsync(new GetTapeDriveRequest(LibraryPath), reporter, token)))
                WriteObject(d);
        }
        catch (Exception ex) when (ex is not PipelineStoppedException)
        {
            WriteEngineError(ex, LibraryPath);
        }
    }
}
