using System.Management.Automation;
using ClusterBackup.Engine.Common;
using ClusterBackup.Engine.Tape;

namespace ClusterBackup.PowerShell.Tape;

/// <summary>
/// <para type="synopsis">Checks a media-agent configuration against the drives of its library.</para>
/// <para type="description">Reports every problem with a clear message: an unknown drive, two agents on one drive, a cycle in the mirror chains, an object mirrored twice onto the same tape, mixed block sizes, a buffer without source. Valid is true when there is none.</para>
/// <example>
/// <code>Test-TapeAgentConfiguration -Path agents.json | Select-Object -ExpandProperty Issues</code>
/// <para>Lists what is wrong with agents.json.</para>
/// </example>
/// </summary>
[Cmdlet(VerbsDiagnostic.Test, "TapeAgentConfiguration")]
[OutputType(typeof(TapeAgentConfigurationTest))]
public sealed class TestTapeAgentConfigurationCommand : TapeCmdlet
{
    /// <summary>The configuration file.</summary>
    [Parameter(Mandatory = true, Position = 0, ValueFromPipelineByPropertyName = true)]
    [FileSystemPath]
    public string Path { get; set; } = "";

    protected override void ProcessRecord()
    {
        var path = GetUnresolvedProviderPathFromPSPath(Path);
        try
        {
            var engine = OpenEngine(new EngineSessionRequest(CatalogPath, Catalog: CatalogUse.None));
            WriteObject(RunEngine((token, reporter) => engine.TestTapeAgentConfiguration().RunAsync(new TestTapeAgentConfigurationRequest(path, LibraryPath), reporter, token)));
        }
        catch (Exception ex) when (ex is not PipelineStoppedException)
        {
            WriteEngineError(ex, path);
        }
    }
}
