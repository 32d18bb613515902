using System.Management.Automation;
using ClusterBackup.Engine.Common;
using ClusterBackup.Engine.Tape;

namespace ClusterBackup.PowerShell.Tape;

/// <summary>
/// <para type="synopsis">Tells which superseded media sets on the share are safe to retire, by their verified tape copies.</para>
/// <para type="description">A file on the share is safe to retire only when the catalog holds at least -RequiredCopies verified tape copies of exactly its content. Writes one MediaSetRetention per superseded media set (with -IncludeActive, active ones too) with the verdict and the reason.</para>
/// <example>
/// <code>Get-TapeRetention -RequiredCopies 2 | Where-Object SafeToRetire</code>
/// <para>Lists the media sets that two verified tape copies protect.</para>
/// </example>
/// </summary>
[Cmdlet(VerbsCommon.Get, "TapeRetention")]
[OutputType(typeof(MediaSetRetention))]
public sealed class GetTapeRetentionCommand : TapeCmdlet
{
    /// <summary>How many verified tape copies each file needs.</summary>
    [Parameter]
    [ValidateRange(1, 16)]
    [PSDefaultValue(Value = 2)]
    public int RequiredCopies { get; set; } = 2;

    /// <summary>Also evaluate active media sets (never safe, but shows their copies).</summary>
    [Parameter]
    public SwitchParameter IncludeActive { get; set; }

    protected override void ProcessRecord()
    {
        try
        {
            var engine = OpenEngine(new EngineSessionRequest(CatalogPath));
            foreach (var r in RunEngine((token, reporter) => engine.GetTapeRetention().RunAsync(new GetTapeRetentionRequest(RequiredCopies, IncludeActive), reporter, token)))
                WriteObject(r);
        }
        catch (Exception ex) when (ex is not PipelineStoppedException)
        {
            WriteEngineError(ex, CatalogPath);
        }
    }
}
