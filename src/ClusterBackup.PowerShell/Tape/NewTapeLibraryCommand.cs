using System.Management.Automation;
using ClusterBackup.Engine.Common;
using ClusterBackup.Engine.Tape;

namespace ClusterBackup.PowerShell.Tape;

/// <summary>
/// <para type="synopsis">Creates a virtual tape library in a folder.</para>
/// <para type="description">Creates library.json with the given number of drives (drive0, drive1, ...) and slots, and the cartridges, import and export folders. Cartridges are SIMH .tap files with a capacity and an early-warning zone. Writes the library's drives.</para>
/// <example>
/// <code>New-TapeLibrary -Path vtl -Drives 4 -Slots 40</code>
/// <para>Creates a library with four drives and forty slots.</para>
/// </example>
/// </summary>
[Cmdlet(VerbsCommon.New, "TapeLibrary", SupportsShouldProcess = true)]
[OutputType(typeof(TapeDriveInfo))]
public sealed class NewTapeLibraryCommand : TapeCmdlet
{
    /// <summary>The folder of the new library.</summary>
    [Parameter(Mandatory = true, Position = 0)]
    [FileSystemPath]
    public string Path { get; set; } = "";

    /// <summary>How many drives.</summary>
    [Parameter]
    [ValidateRange(1, 64)]
    [PSDefaultValue(Value = 2)]
    public int Drives { get; set; } = 2;

    /// <summary>How many slots.</summary>
    [Parameter]
    [ValidateRange(1, 10000)]
    [PSDefaultValue(Value = 20)]
    public int Slots { get; set; } = 20;

    protected override void ProcessRecord()
    {
        var path = GetUnresolvedProviderPathFromPSPath(Path);
        if (!ShouldProcess(path, "Create tape library"))
            return;
        try
        {
            var engine = OpenEngine(new EngineSessionRequest(CatalogPath, Catalog: CatalogUse.None));
            foreach (var d in RunEngine((token, reporter) => engine.NewTapeLibrary().RunAsync(new NewTapeLibraryRequest(path, Drives, Slots), reporter, token)))
                WriteObject(d);
        }
        catch (Exception ex) when (ex is not PipelineStoppedException)
        {
            WriteEngineError(ex, path);
        }
    }
}
