using ClusterBackup.Engine.Backup;
using ClusterBackup.Cli;
using ClusterBackup.Engine.Catalog;
using ClusterBackup.Engine.Common;
using ClusterBackup.Engine.Tests.Databases.PostgreSql;

namespace ClusterBackup.Engine.Tests.FaultInjection;

/// <summary>
/// `clusterbackup backup` stopped by SIGINT (Ctrl-C) or SIGTERM while pg_basebackup copies (held at the pause point
/// backup.copying, so the signal arrives at a known moment): the CLI cancels the backup, cleans up and exits with 130 or 143;
/// nothing is catalogued, nothing on the share looks complete, no pg_basebackup is left, and the next backup succeeds.
/// The CLI runs out of process against the real pair.
/// </summary>
public sealed class StoppedBackupTests(PostgreSqlPair pair) : IClassFixture<PostgreSqlPair>
{
    [Theory]
    [InlineData("INT", CliStopSignal.ExitInterrupted)]
    [InlineData("TERM", CliStopSignal.ExitTerminated)]
    public async Task ASignalledFullBackupIsCancelledAndLeavesNothingThatLooksComplete(string signal, int exitCode)
    {
        var root = Path.Combine(pair.Root, "stopped-" + Guid.NewGuid().ToString("N")[..8]);
        var share = Path.Combine(root, "share");
        var pause = Path.Combine(root, "pause");
        Directory.CreateDirectory(share);
        Directory.CreateDirectory(pause);
        var catalogPath = Path.Combine(root, "catalog.db");
        string[] backup = ["backup", "--config", pair.ConfigurationPath, "--catalog", catalogPath, "--server", PostgreSqlPair.VirtualServer,
            "--database", PostgreSqlPair.Database, "--share", share, "--init"];
        var first = await CliProcess.RunAsync(backup);
        Assert.True(first.ExitCode == 0, first.Error);

        var reached = Path.Combine(pause, "backup.copying.reached");
        var stopped = await CliProcess.RunAsync(backup,
            new Dictionary<string, string> { [PausePoint.EnvironmentVariable] = "backup.copying", [PausePoint.DirectoryVariable] = pause },
            signalWhen: () => File.Exists(reached), signal: signal);

        Assert.True(File.Exists(reached), $"the backup never reached backup.copying: exit {stopped.ExitCode}: {stopped.Error}");
        Assert.Equal(exitCode, stopped.ExitCode);
        Assert.Contains("stopped", stopped.Error, StringComparison.Ordinal);
        var sets = new BackupSetCatalog(CatalogDatabase.Open(catalogPath)).GetBackupSets();
        Assert.Single(sets);
        var named = sets.SelectMany(s => s.Files).Select(f => Path.GetFullPath(f.Path)).ToHashSet(StringComparer.Ordinal);
        // The share's identity marker is the share's own, not the backup's.
        Assert.DoesNotContain(Directory.GetFiles(share, "*", SearchOption.AllDirectories), f => !named.Contains(f) && Path.GetFileName(f) != ShareMarker.FileName);
        Assert.Empty(Directory.GetDirectories(share, "*.partial", SearchOption.AllDirectories));
        Assert.Empty(BaseBackupsWritingTo(share));

        var next = await CliProcess.RunAsync(backup);
        Assert.True(next.ExitCode == 0, next.Error);
        Assert.DoesNotContain("WARNING:", next.Error, StringComparison.Ordinal);
    }

    /// <summary>The pg_basebackup processes whose command line names the share (other runs on the machine have their own).</summary>
    private static List<int> BaseBackupsWritingTo(string share)
    {
        var found = new List<int>();
        foreach (var folder in Directory.GetDirectories("/proc"))
        {
            if (!int.TryParse(Path.GetFileName(folder), out var pid))
                continue;
            try
            {
                var commandLine = File.ReadAllText(Path.Combine(folder, "cmdline")).Replace('\0', ' ');
                if (commandLine.Contains("pg_basebackup", StringComparison.Ordinal) && commandLine.Contains(share, StringComparison.Ordinal))
                    found.Add(pid);
            }
            catch (Exception ex) when (ex is IOException or UnauthorizedAccessException) { }
        }
        return found;
    }
}
