using System.Management.Automation;
using ClusterBackup.Engine.Common;
using ClusterBackup.Engine.Tape;

namespace ClusterBackup.PowerShell.Tape;

/// <summary>
/// <para type="synopsis">Backs up the backup share to tape, by backup set, multiplexed and mirrored in one pass.</para>
/// <para type="description">Writes every file of the given completed backup sets (with -AllNotOnTape: of every completed backup set) that the catalog
/// does not yet hold on tape. The media-agent configuration decides which agent (drive) writes each file and which mirror agents copy it
/// in the same pass. Each file's SHA-256 is checked against the one recorded at backup time. With -Verify every copy is read back and marked
/// verified, which the retention rule counts. Backup sets piped in are written in one session. An empty pipeline writes nothing.</para>
/// <example>
/// <code>Get-ClusterDbBackupSet -Server PGVS1 -Database appdb | Backup-TapeBackupSet -ConfigurationPath agents.json -Verify</code>
/// <para>Writes the backups of appdb to tape with their mirrors and verifies every copy.</para>
/// </example>
/// <example>
/// <code>Backup-TapeBackupSet -AllNotOnTape -ConfigurationPath agents.json</code>
/// <para>Writes every completed backup set that is not yet on tape.</para>
/// </example>
/// </summary>
[Cmdlet(VerbsData.Backup, "TapeBackupSet", SupportsShouldProcess = true, DefaultParameterSetName = BySetSet)]
[OutputType(typeof(BackupToTapeResult))]
public sealed class BackupTapeBackupSetCommand : ClusterBackupCmdlet
{
    private const string BySetSet = "BackupSet", AllSet = "AllNotOnTape";
    private readonly List<Guid> _ids = new();

    /// <summary>The backup sets to write; piped BackupSet objects bind here.</summary>
    [Parameter(ParameterSetName = BySetSet, Mandatory = true, ValueFromPipelineByPropertyName = true)]
    public Guid[]? BackupSetId { get; set; }

    /// <summary>Write every completed backup set that is not yet on tape; never implied by an empty pipeline.</summary>
    [Parameter(ParameterSetName = AllSet, Mandatory = true)]
    public SwitchParameter AllNotOnTape { get; set; }

    /// <summary>The media-agent configuration file (agents, drives, mirror chains); see New-TapeAgentConfiguration.</summary>
    [Parameter(Mandatory = true)]
    [FileSystemPath]
    public string ConfigurationPath { get; set; } = "";

    /// <summary>Read every copy back after writing and mark it verified.</summary>
    [Parameter]
    public SwitchParameter Verify { get; set; }

    /// <summary>The job name recorded on tape and in the catalog.</summary>
    [Parameter]
    [PSDefaultValue(Value = "share-to-tape")]
    public string Job { get; set; } = "share-to-tape";

    /// <summary>The tape library folder; defaults to the configuration's library or CLUSTERBACKUP_TAPE_LIBRARY.</summary>
    [Parameter]
    [FileSystemPath]
    public string? LibraryPath { get; set; }

    /// <summary>The catalog file; defaults to CLUSTERBACKUP_CATALOG or the backup server's default location.</summary>
    [Parameter]
    [FileSystemPath]
    public string? CatalogPath { get; set; }

    protected override void ProcessRecord()
    {
        if (BackupSetId is not null)
            _ids.AddRange(BackupSetId);
    }

    protected override void EndProcessing()
    {
        var all = ParameterSetName == AllSet;
        if (!all && _ids.Count == 0)
        {
            WriteVerbose("No backup set came in; nothing to write (pass -AllNotOnTape to write every backup set not yet on tape).");
            base.EndProcessing();
            return;
        }
        var target = all ? "every backup set not yet on tape" : $"{_ids.Count} backup sets";
        if (ShouldProcess(target, "Write to tape"))
        {
            try
            {
                var engine = OpenEngine(new EngineSessionRequest(CatalogPath));
                var request = new BackupToTapeRequest
                {
                    LibraryPath = LibraryPath, ConfigurationPath = GetUnresolvedProviderPathFromPSPath(ConfigurationPath),
                    BackupSetIds = all ? null : _ids.Distinct().ToList(), Verify = Verify, Job = Job,
                };
                WriteObject(RunEngine((token, reporter) => engine.BackupToTape().RunAsync(request, reporter, token)));
            }
            catch (Exception ex) when (ex is not PipelineStoppedException)
            {
                WriteEngineError(ex, target);
            }
        }
        base.EndProcessing();
    }
}
