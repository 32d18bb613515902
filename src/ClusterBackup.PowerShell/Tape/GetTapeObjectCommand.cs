using System.Management.Automation;
using ClusterBackup.Engine.Catalog;
using ClusterBackup.Engine.Common;
using ClusterBackup.Engine.Tape;
using ClusterBackup.PowerShell.Completion;

namespace ClusterBackup.PowerShell.Tape;

/// <summary>
/// <para type="synopsis">Lists what is on tape: from the catalog, or with -FromMedia by reading a cartridge.</para>
/// <para type="description">From the catalog it writes one TapeObject per object with its copies (volume, mirror level, block positions,
/// verified or not). With -FromMedia it loads the cartridge, reads it end to end, checks every block and every object's SHA-256, and writes
/// what it found. Pipe TapeObjects into Restore-TapeObject, Copy-TapeObject or Test-TapeObject.</para>
/// <example>
/// <code>Get-TapeObject -Barcode VT0001 -FromMedia</code>
/// <para>Reads cartridge VT0001 and lists the objects on it.</para>
/// </example>
/// </summary>
[Cmdlet(VerbsCommon.Get, "TapeObject", DefaultParameterSetName = "Catalog")]
[OutputType(typeof(TapeObject), ParameterSetName = ["Catalog"])]
[OutputType(typeof(TapeMediaObject), ParameterSetName = ["Media"])]
public sealed class GetTapeObjectCommand : TapeCmdlet
{
    /// <summary>Only objects with a copy on this cartridge (with -FromMedia: the cartridge to read, required); piped cartridges bind here.</summary>
    /// <remarks>
    /// Not mandatory in the Media set: a mandatory pipeline parameter there would make PowerShell pick that set for any
    /// piped object (a BackupSet) and then demand -FromMedia. -FromMedia without a barcode is checked when it runs.
    /// </remarks>
    [Parameter(ParameterSetName = "Catalog", ValueFromPipelineByPropertyName = true)]
    [Parameter(ParameterSetName = "Media", ValueFromPipelineByPropertyName = true)]
    [ArgumentCompleter(typeof(BarcodeCompleter))]
    public string? Barcode { get; set; }

    /// <summary>Only the objects of this backup set; piped BackupSet objects bind here.</summary>
    [Parameter(ParameterSetName = "Catalog", ValueFromPipelineByPropertyName = true)]
    public Guid? BackupSetId { get; set; }

    /// <summary>Include objects marked expired.</summary>
    [Parameter(ParameterSetName = "Catalog")]
    public SwitchParameter IncludeExpired { get; set; }

    /// <summary>Read the cartridge itself instead of the catalog.</summary>
    [Parameter(ParameterSetName = "Media", Mandatory = true)]
    public SwitchParameter FromMedia { get; set; }

    /// <summary>The drive to read with (-FromMedia); default a free one.</summary>
    [Parameter(ParameterSetName = "Media")]
    [ArgumentCompleter(typeof(DriveCompleter))]
    public string? Drive { get; set; }

    protected override void ProcessRecord()
    {
        try
        {
            if (FromMedia)
            {
                if (string.IsNullOrWhiteSpace(Barcode))
                {
                    WriteError(new ErrorRecord(new PSArgumentException("-FromMedia reads one cartridge: pass its -Barcode, or pipe a cartridge."),
                        "BarcodeRequired", ErrorCategory.InvalidArgument, null));
                    return;
                }
                var mediaEngine = OpenEngine(new EngineSessionRequest(CatalogPath));
                foreach (var o in RunEngine((token, reporter) => mediaEngine.ReadTapeCartridge().RunAsync(new ReadTapeCartridgeRequest(LibraryPath, Barcode!, Drive), reporter, token)))
                    WriteObject(o);
                return;
            }
            var engine = OpenEngine(new EngineSessionRequest(CatalogPath));
            var request = new GetTapeObjectRequest(BackupSetId, Barcode, IncludeExpired);
            foreach (var o in RunEngine((token, reporter) => engine.GetTapeObject().RunAsync(request, reporter, token)))
                WriteObject(o);
        }
        catch (Exception ex) when (ex is not PipelineStoppedException)
        {
            WriteEngineError(ex, Barcode);
        }
    }
}
