using System.Globalization;
using ClusterBackup.Engine.Backup;
using ClusterBackup.Engine.Catalog;
using ClusterBackup.Engine.Cluster;
using ClusterBackup.Engine.Digest;
using ClusterBackup.Engine.Schedule;
using ClusterBackup.Engine.Schedule.Export;
using ClusterBackup.Engine.Tape;

namespace ClusterBackup.Cli;

/// <summary>
/// The table of every result type the CLI writes that also has a PowerShell view (module/*.Format.ps1xml): the same
/// columns, in the same order, under the same labels, so `clusterbackup` and the cmdlets show one thing. The values are
/// the CLI's own (sizes in bytes, times in local time); -o json has every property. CliTableTests fails when a view
/// and its table differ.
/// </summary>
public static class CliTables
{
    public static readonly CliTable<BackupSet> BackupSet = new(
        ("Started", s => s.Started), ("Server", s => s.VirtualServer), ("Database", s => s.Database), ("Type", s => s.Type),
        ("Init", s => s.Initialize), ("Size", s => s.SizeBytes), ("Duration", s => s.Duration), ("Verified", s => s.Verified));

    public static readonly CliTable<BackupShare> BackupShare = new(
        ("Path", s => s.Path), ("ShareId", s => s.ShareId), ("Created", s => s.Created), ("Initialized", s => s.Initialized));

    public static readonly CliTable<BackupVerification> BackupVerification = new(
        ("BackupSet", r => r.BackupSetId.ToString()[..8]), ("Server", r => r.VirtualServer), ("Database", r => r.Database), ("Type", r => r.Type),
        ("Pos", r => r.Position), ("Verified", r => r.Verified), ("Problems", r => string.Join("; ", r.Problems)));

    public static readonly CliTable<RestoreDatabaseResult> RestoreDatabaseResult = new(
        ("Server", r => r.VirtualServer), ("Database", r => r.Database), ("Target", r => r.TargetLocation), ("PointInTime", r => r.PointInTime),
        ("Logs", r => r.LogBackupCount), ("Duration", r => r.Duration));

    public static readonly CliTable<ClusterNodeStatus> ClusterNodeStatus = new(
        ("Cluster", n => n.Cluster), ("Node", n => n.Name), ("State", n => n.State), ("Up", n => n.IsUp), ("Owns", n => string.Join(", ", n.OwnedGroups)));

    public static readonly CliTable<ClusterGroupStatus> ClusterGroupStatus = new(
        ("Cluster", g => g.Cluster), ("Group", g => g.Name), ("Owner", g => g.OwnerNode), ("State", g => g.State),
        ("Resources", g => string.Join(", ", g.Resources.Select(r => $"{r.Name} ({r.State})"))));

    public static readonly CliTable<BlockDigestExport> BlockDigestExport = new(
        ("Path", r => r.Path), ("DigestPath", r => r.DigestPath), ("Algorithm", r => r.Algorithm), ("BlockSize", r => r.BlockSize),
        ("Blocks", r => r.BlockCount), ("MB/s", r => Math.Round(r.BytesPerSecond / 1048576)));

    public static readonly CliTable<BlockDigestComparison> BlockDigestComparison = new(
        ("Backup", r => r.BackupPath), ("Mode", r => r.Mode), ("Blocks", r => r.BlocksCompared), ("Differing", r => r.DifferingBlocks),
        ("Ranges", r => r.DifferingRanges.Count), ("Repaired", r => r.Repaired), ("Sent", r => r.BytesSent),
        ("Duration", r => Math.Round(r.Duration.TotalSeconds, 3).ToString(CultureInfo.InvariantCulture) + " s"), ("Identical", r => r.Identical));

    public static readonly CliTable<ChangedBlockGeneration> ChangedBlockGeneration = new(
        ("Gen", g => g.Generation), ("Taken", g => g.Taken), ("Snapshot", g => g.SnapshotMethod), ("Source", g => g.SourcePath),
        ("Size", g => g.DeviceSize), ("Changed", g => g.ChangedBlocks), ("Stored", g => g.StoredBytes));

    public static readonly CliTable<RestoreChangedBlockResult> RestoreChangedBlockResult = new(
        ("Gen", r => r.Generation), ("Destination", r => r.DestinationPath), ("Size", r => r.Size), ("Applied", r => r.GenerationsApplied),
        ("Verified", r => r.VerifiedAgainstMap), ("Duration", r => r.Duration));

    public static readonly CliTable<CatalogInfo> CatalogInfo = new(("Path", c => c.Path), ("SchemaVersion", c => c.SchemaVersion));

    public static readonly CliTable<DigestKeyFile> DigestKeyFile = new(("Path", k => k.Path), ("Fingerprint", k => k.Fingerprint));

    public static readonly CliTable<ScheduledJob> ScheduledJob = new(
        ("Name", j => j.Name), ("Type", j => j.TypeName), ("When", j => j.When), ("Minutes", j => j.ExpectedDuration.TotalMinutes),
        ("Databases", j => string.Join(",", j.Databases)), ("Share", j => j.Share), ("Enabled", j => j.Enabled));

    public static readonly CliTable<ScheduleConflict> ScheduleConflict = new(
        ("When", c => c.OverlapStart.ToString("ddd yyyy-MM-dd HH:mm", CultureInfo.InvariantCulture)),
        ("First", c => string.Create(CultureInfo.InvariantCulture, $"{c.FirstJob} {c.FirstStart:HH:mm}-{c.FirstEnd:HH:mm}")),
        ("Second", c => string.Create(CultureInfo.InvariantCulture, $"{c.SecondJob} {c.SecondStart:HH:mm}-{c.SecondEnd:HH:mm}")),
        ("Overlap", c => $"{c.Overlap.TotalMinutes:0} min"), ("Why", c => c.Reason), ("SmallestFix", c => c.Suggestion));

    public static readonly CliTable<ScheduleExportFile> ScheduleExportFile = new(
        ("Scheduler", f => f.Scheduler), ("Schedule", f => f.Schedule), ("Job", f => f.Job), ("Path", f => f.Path ?? f.FileName));

    public static readonly CliTable<ScheduledJobRunResult> ScheduledJobRunResult = new(
        ("Started", r => r.Started), ("Job", r => r.Job), ("Status", r => r.Status), ("ExitCode", r => r.ExitCode), ("Duration", r => r.Duration),
        ("Message", r => r.Message));

    public static readonly CliTable<ScheduleRun> ScheduleRun = new(
        ("Started", r => r.Started), ("Job", r => r.Job), ("Status", r => r.Status), ("Duration", r => r.Duration), ("Host", r => r.Host),
        ("Message", r => r.Message));

    public static readonly CliTable<BackupToTapeResult> BackupToTapeResult = new(
        ("SessionId", r => r.SessionId), ("Job", r => r.Job), ("Objects", r => r.Objects), ("Size", r => r.Bytes), ("MB/s", r => Math.Round(r.MegabytesPerSecond)),
        ("Copies", r => r.Copies), ("Verified", r => r.VerifiedCopies), ("Skipped", r => r.SkippedAlreadyOnTape), ("Volumes", r => string.Join(",", r.Volumes)));

    public static readonly CliTable<TapeObject> TapeObject = new(
        ("Name", o => o.Name), ("Size", o => o.Length), ("Copies", o => o.Copies.Count), ("Verified", o => o.VerifiedCopies), ("Volumes", o => o.Volumes),
        ("Status", o => o.Status));

    public static readonly CliTable<TapeMediaObject> TapeMediaObject = new(
        ("Barcode", o => o.Barcode), ("File", o => o.FileNumber), ("Name", o => o.Name), ("Size", o => o.Length), ("Blocks", o => $"{o.FirstBlock}-{o.LastBlock}"),
        ("Complete", o => o.Complete), ("InCatalog", o => o.InCatalog), ("Note", o => o.Note));

    public static readonly CliTable<RestoreTapeObjectResult> RestoreTapeObjectResult = new(
        ("Name", r => r.Name), ("Path", r => r.Path), ("Size", r => r.Length), ("From", r => r.Barcodes), ("Mirror", r => r.MirrorLevel), ("Agent", r => r.Agent),
        ("Sha256", r => r.Sha256[..8]));

    public static readonly CliTable<CopyTapeObjectResult> CopyTapeObjectResult = new(
        ("Mode", r => r.Mode), ("Name", r => r.Name), ("Size", r => r.Length), ("From", r => r.FromBarcodes), ("To", r => r.ToBarcodes), ("Mirrors", r => r.MirrorBarcodes));

    public static readonly CliTable<TapeCopyVerification> TapeCopyVerification = new(
        ("Name", v => v.Name), ("Agent", v => v.Agent), ("Mirror", v => v.MirrorLevel), ("Volumes", v => v.Barcodes), ("Verified", v => v.Verified), ("Error", v => v.Error));

    public static readonly CliTable<TapeDriveInfo> TapeDriveInfo = new(
        ("Name", d => d.Name), ("Library", d => d.Library), ("Kind", d => d.Kind), ("Barcode", d => d.Barcode));

    public static readonly CliTable<TapeCartridgeInfo> TapeCartridgeInfo = new(
        ("Barcode", c => c.Barcode), ("Location", c => c.Location), ("Slot", c => c.Slot), ("Drive", c => c.Drive), ("Pool", c => c.Pool), ("Status", c => c.Status),
        ("Used", c => c.BytesUsed), ("Capacity", c => c.CapacityBytes), ("BlockSize", c => c.BlockSize));

    public static readonly CliTable<TapeAgentConfigurationTest> TapeAgentConfigurationTest = new(
        ("Path", r => r.Path), ("Valid", r => r.Valid), ("Agents", r => r.Agents), ("MirrorLevels", r => r.MirrorLevels),
        ("Issues", r => string.Join(" ", r.Issues.Select(i => i.Message))));

    public static readonly CliTable<MediaSetRetention> MediaSetRetention = new(
        ("MediaSet", r => r.MediaSetId[..8]), ("Server", r => r.VirtualServer), ("Database", r => r.Database), ("Type", r => r.BackupType), ("Files", r => r.Files),
        ("Protected", r => r.FilesWithEnoughCopies), ("Required", r => r.RequiredCopies), ("SafeToRetire", r => r.SafeToRetire), ("Reason", r => r.Reason));
}
