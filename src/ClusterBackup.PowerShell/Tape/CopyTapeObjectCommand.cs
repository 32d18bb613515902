using System.Management.Automation;
using ClusterBackup.Engine.Common;
using ClusterBackup.Engine.Tape;
using ClusterBackup.PowerShell.Completion;

namespace ClusterBackup.PowerShell.Tape;

/// <summary>
/// <para type="synopsis">Copies tape objects to new tapes through a copy group: compaction, refresh, demultiplexing or migration.</para>
/// <para type="description">A restore media agent reads the source tape and splits it by object; a backup media agent writes the selected
/// objects to new cartridges of the target pool. Compaction copies only live objects of the given volumes; Refresh rewrites every object of
/// them; Demultiplex puts one object per tape; Migration writes to another pool or block size. Each object keeps its identity and gains a copy.</para>
/// <example>
/// <code>Copy-TapeObject -Barcode VT0001,VT0002 -Mode Compaction -Pool Daily -Drive drive1</code>
/// <para>Packs the live objects of two old tapes onto new ones.</para>
/// </example>
/// <example>
/// <code>Get-TapeObject -Barcode VT0003 | Copy-TapeObject -Mode Migration -Pool Vault -Drive drive2 -MirrorDrive drive3</code>
/// <para>Migrates the objects of one cartridge to the Vault pool and writes a mirror of each new copy in the same pass.</para>
/// </example>
/// </summary>
[Cmdlet(VerbsCommon.Copy, "TapeObject", SupportsShouldProcess = true, DefaultParameterSetName = "Objects")]
[OutputType(typeof(CopyTapeObjectResult))]
public sealed class CopyTapeObjectCommand : TapeCmdlet
{
    private readonly List<Guid> _ids = new();

    /// <summary>The objects to copy; piped TapeObjects bind here.</summary>
    [Parameter(ParameterSetName = "Objects", Mandatory = true, ValueFromPipelineByPropertyName = true)]
    public Guid[] ObjectId { get; set; } = [];

    /// <summary>Copy the objects on these cartridges.</summary>
    [Parameter(ParameterSetName = "Volumes", Mandatory = true)]
    [ArgumentCompleter(typeof(BarcodeCompleter))]
    public string[] Barcode { get; set; } = [];

    /// <summary>Compaction, Refresh, Demultiplex or Migration.</summary>
    [Parameter(Mandatory = true)]
    public TapeCopyMode Mode { get; set; }

    /// <summary>The pool the new copies go to.</summary>
    [Parameter(Mandatory = true)]
    [ArgumentCompleter(typeof(PoolCompleter))]
    public string Pool { get; set; } = "";

    /// <summary>Block size of the new copies in bytes (64 KiB to 4 MiB); default the source's.</summary>
    [Parameter]
    public int? BlockSize { get; set; }

    /// <summary>The drive the copy agent writes with.</summary>
    [Parameter(Mandatory = true)]
    [ArgumentCompleter(typeof(DriveCompleter))]
    public string Drive { get; set; } = "";

    /// <summary>The drive the restore agent reads with; default a free one.</summary>
    [Parameter]
    [ArgumentCompleter(typeof(DriveCompleter))]
    public string? ReadDrive { get; set; }

    /// <summary>Drives of cascaded mirrors of the new copy, written in the same pass: the first is mirror level 1, the next level 2.</summary>
    [Parameter]
    [ArgumentCompleter(typeof(DriveCompleter))]
    public string[] MirrorDrive { get; set; } = [];

    protected override void ProcessRecord() => _ids.AddRange(ObjectId);

    protected override void EndProcessing()
    {
        var what = ParameterSetName == "Volumes" ? string.Join(",", Barcode) : $"{_ids.Count} tape objects";
        if (ShouldProcess(what, $"Copy ({Mode}) to pool {Pool}"))
        {
            try
            {
                var engine = OpenEngine(new EngineSessionRequest(CatalogPath));
                var ids = ParameterSetName == "Objects" ? KnownObjects(engine.Catalog, _ids) : null;
                if (ids is { Count: 0 })
                {
                    base.EndProcessing();
                    return;
                }
                var request = new CopyTapeObjectRequest
                {
                    LibraryPath = LibraryPath, Mode = Mode, Pool = Pool, BlockSize = BlockSize, Drive = Drive, ReadDrive = ReadDrive, MirrorDrives = MirrorDrive,
                    ObjectIds = ids, Barcodes = ParameterSetName == "Volumes" ? Barcode : null,
                };
                foreach (var r in RunEngine((token, reporter) => engine.CopyTapeObject().RunAsync(request, reporter, token)))
                    WriteObject(r);
            }
            catch (Exception ex) when (ex is not PipelineStoppedException)
            {
                WriteEngineError(ex, what);
            }
        }
        base.EndProcessing();
    }
}
