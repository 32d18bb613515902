using System.Management.Automation;
using ClusterBackup.Engine.Common;
using ClusterBackup.Engine.Tape;
using ClusterBackup.PowerShell.Completion;

namespace ClusterBackup.PowerShell.Tape;

/// <summary>
/// <para type="synopsis">Verifies tape copies by reading them back; marks the good ones verified in the catalog.</para>
/// <para type="description">Reads each copy of the given objects (with -AllObjects: of every object), checks every block and each object's
/// length and SHA-256, and marks passing copies verified. Only verified copies count for retention. By default only copies not yet verified
/// are read; -All reads every copy again. An empty pipeline reads nothing.</para>
/// <example>
/// <code>Get-TapeObject -Barcode VT0003 | Test-TapeObject -All</code>
/// <para>Re-verifies every copy of the objects on VT0003.</para>
/// </example>
/// <example>
/// <code>Test-TapeObject -AllObjects</code>
/// <para>Verifies every copy on tape not yet verified.</para>
/// </example>
/// </summary>
[Cmdlet(VerbsDiagnostic.Test, "TapeObject", DefaultParameterSetName = ObjectsSet)]
[OutputType(typeof(TapeCopyVerification))]
public sealed class TestTapeObjectCommand : TapeCmdlet
{
    private const string ObjectsSet = "Objects", AllObjectsSet = "AllObjects";
    private readonly List<Guid> _ids = new();

    /// <summary>The objects to verify; piped TapeObjects bind here.</summary>
    [Parameter(ParameterSetName = ObjectsSet, Mandatory = true, ValueFromPipelineByPropertyName = true)]
    public Guid[]? ObjectId { get; set; }

    /// <summary>Verify the copies of every object on tape; never implied by an empty pipeline.</summary>
    [Parameter(ParameterSetName = AllObjectsSet, Mandatory = true)]
    public SwitchParameter AllObjects { get; set; }

    /// <summary>Read copies already verified too.</summary>
    [Parameter]
    public SwitchParameter All { get; set; }

    /// <summary>The drive to read with; default a free one.</summary>
    [Parameter]
    [ArgumentCompleter(typeof(DriveCompleter))]
    public string? Drive { get; set; }

    protected override void ProcessRecord()
    {
        if (ObjectId is not null)
            _ids.AddRange(ObjectId);
    }

    protected override void EndProcessing()
    {
        if (ParameterSetName == ObjectsSet && _ids.Count == 0)
        {
            WriteVerbose("No tape object came in; nothing to verify (pass -AllObjects to verify every object).");
            base.EndProcessing();
            return;
        }
        try
        {
            var engine = OpenEngine(new EngineSessionRequest(CatalogPath));
            var ids = ParameterSetName == AllObjectsSet ? null : KnownObjects(engine.Catalog, _ids);
            if (ids is { Count: 0 })
            {
                base.EndProcessing();
                return;
            }
            var request = new TestTapeObjectRequest { LibraryPath = LibraryPath, ObjectIds = ids, All = All, Drive = Drive };
            foreach (var v in RunEngine((token, reporter) => engine.TestTapeObject().RunAsync(request, reporter, token)))
                WriteObject(v);
        }
        catch (Exception ex) when (ex is not PipelineStoppedException)
        {
            WriteEngineError(ex, "tape copies");
        }
        base.EndProcessing();
    }
}
