using ClusterBackup.Engine.Backup;
using ClusterBackup.Engine.Catalog;
using ClusterBackup.Engine.Tests.Databases.PostgreSql;

namespace ClusterBackup.Engine.Tests.FaultInjection;

/// <summary>
/// A backup killed after its files are in place but before the catalog commit leaves a complete-looking folder the catalog
/// does not know; the next backup of that media set names it in a warning. The CLI runs out of process against the real pair.
/// </summary>
public sealed class UncataloguedBackupTests(PostgreSqlPair pair) : IClassFixture<PostgreSqlPair>
{
    [Fact]
    public async Task AFullBackupKilledBeforeItsCommitIsReportedByTheNextBackup()
    {
        var root = Path.Combine(pair.Root, "uncatalogued-" + Guid.NewGuid().ToString("N")[..8]);
        var share = Path.Combine(root, "share");
        Directory.CreateDirectory(share);
        var catalogPath = Path.Combine(root, "catalog.db");
        string[] Backup(bool init) => ["backup", "--config", pair.ConfigurationPath, "--catalog", catalogPath, "--server", PostgreSqlPair.VirtualServer,
            "--database", PostgreSqlPair.Database, "--share", share, .. init ? new[] { "--init" } : []];

        // The first backup of a new media set, killed before its commit: its whole media-set folder is unknown to the catalog.
        var killedFirst = await CliProcess.RunAsync(Backup(init: true), crashAt: "backup.before-commit");
        Assert.True(killedFirst.KilledByCrashPoint, $"exit {killedFirst.ExitCode}: {killedFirst.Error}");
        var orphanMediaSet = Assert.Single(Directory.GetDirectories(ShareLayout.DatabaseFolder(share, PostgreSqlPair.VirtualServer, PostgreSqlPair.Database, BackupType.Full)));

        var first = await CliProcess.RunAsync(Backup(init: true));
        Assert.True(first.ExitCode == 0, first.Error);
        var firstWarning = Assert.Single(first.Error.Split('\n'), l => l.StartsWith("WARNING:", StringComparison.Ordinal));
        Assert.Contains(orphanMediaSet, firstWarning);
        var killed = await CliProcess.RunAsync(Backup(init: false), crashAt: "backup.before-commit");
        Assert.True(killed.KilledByCrashPoint, $"exit {killed.ExitCode}: {killed.Error}");

        var catalog = new BackupSetCatalog(CatalogDatabase.Open(catalogPath));
        var sets = catalog.GetBackupSets();
        var mediaSetFolder = Assert.Single(catalog.GetMediaSets()).SharePath;
        var catalogued = Path.GetDirectoryName(Assert.Single(sets).Files[0].Path)!;
        var leftover = Assert.Single(Directory.GetDirectories(mediaSetFolder), d => d != catalogued);
        Assert.False(leftover.EndsWith(".partial", StringComparison.Ordinal), "the killed run had renamed its folder into place");

        var next = await CliProcess.RunAsync(Backup(init: false));
        Assert.True(next.ExitCode == 0, next.Error);
        var warning = Assert.Single(next.Error.Split('\n'), l => l.StartsWith("WARNING:", StringComparison.Ordinal));
        Assert.Contains(leftover, warning);
        Assert.Contains("not in the catalog", warning);
        Assert.True(Directory.Exists(leftover), "the leftover is reported, never removed behind the administrator's back");
    }
}
