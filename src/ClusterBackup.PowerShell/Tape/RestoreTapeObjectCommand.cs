using System.Management.Automation;
using ClusterBackup.Engine.Common;
using ClusterBackup.Engine.Tape;
using ClusterBackup.PowerShell.Completion;

namespace ClusterBackup.PowerShell.Tape;

/// <summary>
/// <para type="synopsis">Restores tape objects to a folder, byte-identical, checked by SHA-256.</para>
/// <para type="description">Reads each object from its best copy (verified first, then the original before mirrors); objects that share a
/// tape are read in one pass. When a copy cannot be read, the next copy (a mirror) is used. Files are written under a temporary name and
/// renamed only after their length and SHA-256 matched.</para>
/// <example>
/// <code>Get-ClusterDbBackupSet -Server PGVS1 -Database appdb -LastFull | Get-TapeObject | Restore-TapeObject -Destination restore</code>
/// <para>Restores every file of the latest full backup of appdb from tape into the folder restore.</para>
/// </example>
/// </summary>
[Cmdlet(VerbsData.Restore, "TapeObject", SupportsShouldProcess = true)]
[OutputType(typeof(RestoreTapeObjectResult))]
public sealed class RestoreTapeObjectCommand : TapeCmdlet
{
    private readonly List<Guid> _ids = new();

    /// <summary>The objects to restore; piped TapeObjects bind here.</summary>
    [Parameter(Mandatory = true, ValueFromPipelineByPropertyName = true)]
    public Guid[] ObjectId { get; set; } = [];

    /// <summary>The folder to restore into; objects keep their tape names below it.</summary>
    [Parameter(Mandatory = true)]
    [FileSystemPath]
    public string Destination { get; set; } = "";

    /// <summary>Overwrite files that exist.</summary>
    [Parameter]
    public SwitchParameter Force { get; set; }

    /// <summary>The drive to read with; default a free one.</summary>
    [Parameter]
    [ArgumentCompleter(typeof(DriveCompleter))]
    public string? Drive { get; set; }

    protected override void ProcessRecord() => _ids.AddRange(ObjectId);

    protected override void EndProcessing()
    {
        var destination = GetUnresolvedProviderPathFromPSPath(Destination);
        if (_ids.Count > 0 && ShouldProcess(destination, $"Restore {_ids.Count} tape objects"))
        {
            try
            {
                var engine = OpenEngine(new EngineSessionRequest(CatalogPath));
                var ids = KnownObjects(engine.Catalog, _ids);
                if (ids.Count == 0)
                {
                    base.EndProcessing();
                    return;
                }
                var request = new RestoreTapeObjectRequest { LibraryPath = LibraryPath, ObjectIds = ids, Destination = destination, Force = Force, Drive = Drive };
                foreach (var r in RunEngine((token, reporter) => engine.RestoreTapeObject().RunAsync(request, reporter, token)))
                    WriteObject(r);
            }
            catch (Exception ex) when (ex is not PipelineStoppedException)
            {
                WriteEngineError(ex, destination);
            }
        }
        base.EndProcessing();
    }
}
