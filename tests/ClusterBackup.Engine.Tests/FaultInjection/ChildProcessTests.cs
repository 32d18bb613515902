using System.Diagnostics;
using ClusterBackup.Engine.Tests.Databases.PostgreSql;
using Newtonsoft.Json.Linq;

namespace ClusterBackup.Engine.Tests.FaultInjection;

/// <summary>
/// A CLI killed with <c>kill -9</c> takes its child processes with it: nothing keeps writing into a folder no run will remove.
/// Against the real PostgreSQL pair, the CLI run out of process.
/// </summary>
public sealed class ChildProcessTests(PostgreSqlPair pair) : IClassFixture<PostgreSqlPair>
{
    [Fact]
    public async Task PgBaseBackupDiesWithAKilledFullBackup()
    {
        Assert.True(OperatingSystem.IsLinux(), "PR_SET_PDEATHSIG is Linux only.");
        var root = Path.Combine(pair.Root, "children-" + Guid.NewGuid().ToString("N")[..8]);
        var share = Path.Combine(root, "share");
        Directory.CreateDirectory(share);
        // The server's own tools, with pg_basebackup throttled to its lowest rate so it is surely still running when the CLI dies.
        var tools = Path.Combine(root, "tools");
        Directory.CreateDirectory(tools);
        foreach (var tool in Directory.GetFiles(PostgreSqlPair.BinDirectory))
            if (Path.GetFileName(tool) != "pg_basebackup")
                File.CreateSymbolicLink(Path.Combine(tools, Path.GetFileName(tool)), tool);
        var wrapper = Path.Combine(tools, "pg_basebackup");
        File.WriteAllText(wrapper, $"#!/bin/sh\nexec '{Path.Combine(PostgreSqlPair.BinDirectory, "pg_basebackup")}' --max-rate=32k \"$@\"\n");
        if (!OperatingSystem.IsWindows())
            File.SetUnixFileMode(wrapper, UnixFileMode.UserRead | UnixFileMode.UserExecute | UnixFileMode.UserWrite | UnixFileMode.GroupRead | UnixFileMode.GroupExecute | UnixFileMode.OtherRead | UnixFileMode.OtherExecute);
        var configuration = JObject.Parse(File.ReadAllText(pair.ConfigurationPath));
        configuration["servers"]![0]!["settings"]!["toolDirectory"] = tools;
        configuration["clusters"]![0]!["settings"]!["topologyFile"] = pair.TopologyPath;
        configuration["servers"]![0]!["settings"]!["walArchive"] = pair.Archive;
        var configurationPath = Path.Combine(root, "clusterbackup.json");
        File.WriteAllText(configurationPath, configuration.ToString());

        var result = await CliProcess.RunAsync(
            ["backup", "--config", configurationPath, "--catalog", Path.Combine(root, "catalog.db"), "--server", PostgreSqlPair.VirtualServer,
             "--database", PostgreSqlPair.Database, "--share", share, "--init"],
            killWhen: () => ProcessTable.Naming(share).Any(pid => File.ReadAllText($"/proc/{pid}/cmdline").Contains(".partial")),
            timeout: TimeSpan.FromMinutes(2));
        Assert.True(result.KilledByTest, $"the backup ended on its own (exit {result.ExitCode}): {result.Error}");

        var survivors = await ProcessTable.SurvivorsAsync(share);
        Assert.Empty(survivors);
    }
}
