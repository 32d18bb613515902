using System.Management.Automation;
using ClusterBackup.Engine.Common;
using ClusterBackup.Engine.Tape;
using ClusterBackup.PowerShell.Completion;

namespace ClusterBackup.PowerShell.Tape;

/// <summary>
/// <para type="synopsis">Creates a media-agent configuration file: backup agents and daisy-chained mirror agents.</para>
/// <para type="description">Writes a JSON configuration with one backup agent per drive in -Drive (sharing all objects round robin) and, for each -MirrorDrive level, one mirror agent per backup agent whose buffer is chained to the level before. Edit the file to choose chains per object (buffer patterns) and test it with Test-TapeAgentConfiguration.</para>
/// <example>
/// <code>New-TapeAgentConfiguration -Path agents.json -LibraryPath vtl -Drive drive0,drive1 -MirrorDrive drive2,drive3 -Pool Daily -MirrorPool Offsite</code>
/// <para>Two backup agents, each mirrored once.</para>
/// </example>
/// </summary>
[Cmdlet(VerbsCommon.New, "TapeAgentConfiguration", SupportsShouldProcess = true)]
[OutputType(typeof(TapeAgentConfigurationTest))]
public sealed class NewTapeAgentConfigurationCommand : TapeCmdlet
{
    /// <summary>The configuration file to write.</summary>
    [Parameter(Mandatory = true, Position = 0)]
    [FileSystemPath]
    public string Path { get; set; } = "";

    /// <summary>The drives of the backup group, one agent each.</summary>
    [Parameter(Mandatory = true)]
    [ArgumentCompleter(typeof(DriveCompleter))]
    public string[] Drive { get; set; } = [];

    /// <summary>Drives of mirror level 1, one per backup agent.</summary>
    [Parameter]
    [ArgumentCompleter(typeof(DriveCompleter))]
    public string[]? MirrorDrive { get; set; }

    /// <summary>Drives of mirror level 2 (cascaded after level 1).</summary>
    [Parameter]
    [ArgumentCompleter(typeof(DriveCompleter))]
    public string[]? SecondMirrorDrive { get; set; }

    /// <summary>The pool of the backup group.</summary>
    [Parameter]
    [ArgumentCompleter(typeof(PoolCompleter))]
    [PSDefaultValue(Value = "Default")]
    public string Pool { get; set; } = "Default";

    /// <summary>The pools of mirror levels 1, 2, ...</summary>
    [Parameter]
    [ArgumentCompleter(typeof(PoolCompleter))]
    public string[]? MirrorPool { get; set; }

    /// <summary>Block size in bytes for every agent.</summary>
    [Parameter]
    [PSDefaultValue(Value = 256 * 1024, Help = "256 KiB (262144 bytes)")]
    public int BlockSize { get; set; } = 256 * 1024;

    /// <summary>Replace an existing file.</summary>
    [Parameter]
    public SwitchParameter Force { get; set; }

    protected override void ProcessRecord()
    {
        var path = GetUnresolvedProviderPathFromPSPath(Path);
        if (!ShouldProcess(path, "Write media-agent configuration"))
            return;
        try
        {
            var mirrors = new List<IReadOnlyList<string>>();
            if (MirrorDrive is { Length: > 0 })
                mirrors.Add(MirrorDrive);
            if (SecondMirrorDrive is { Length: > 0 })
                mirrors.Add(SecondMirrorDrive);
            var library = LibraryPath is null ? null : GetUnresolvedProviderPathFromPSPath(LibraryPath);
            var request = new NewTapeAgentConfigurationRequest(path, library, Drive, mirrors, Pool, MirrorPool ?? [], BlockSize, Force);
            var engine = OpenEngine(new EngineSessionRequest(CatalogPath, Catalog: CatalogUse.None));
            WriteObject(RunEngine((token, reporter) => engine.NewTapeAgentConfiguration().RunAsync(request, reporter, token)));
        }
        catch (Exception ex) when (ex is not PipelineStoppedException)
        {
            WriteEngineError(ex, path);
        }
    }
}
