using ClusterBackup.Engine.Tests.Cluster.Pacemaker;
using Newtonsoft.Json.Linq;

namespace ClusterBackup.Engine.Tests.Cli;

/// <summary>`clusterbackup cluster status|owner` end to end, with a stand-in crm_mon that prints recorded output.</summary>
public class ClusterCommandTests
{
    private static string FakeCrmMon(TempDirectory temp, string recording)
    {
        File.WriteAllText(temp.Combine("status.xml"), CrmMonStatusParserTests.Recorded(recording));
        var script = temp.Combine("crm_mon");
        File.WriteAllText(script, $"#!/bin/sh\nexec cat '{temp.Combine("status.xml")}'\n");
        // The stand-in is a shell script: these tests run where crm_mon runs, never on Windows.
        if (OperatingSystem.IsWindows())
            throw new PlatformNotSupportedException("The crm_mon stand-in is a POSIX shell script.");
        File.SetUnixFileMode(script, UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute);
        return script;
    }

    [Fact]
    public void StatusListsNodesAndGroupsWithOwners()
    {
        using var temp = new TempDirectory("cluster-cli");
        var crmMon = FakeCrmMon(temp, "standby-stopped-clone.xml");

        var (code, output, error) = CliHarness.Run("cluster", "status", "--name", "pcmk1", "--provider", "Pacemaker", "--crm-mon", crmMon);

        Assert.True(code == 0, error);
        Assert.Matches(@"node2\s+Standby\s+no", output);
        Assert.Matches(@"node3\s+Online\s+yes\s+vs-sql", output);
        Assert.Matches(@"vs-sql\s+node3\s+Online\s+vs-sql-ip \(Started\), vs-sql-db \(Started\)", output);
        Assert.Matches(@"stopped-res\s+Offline", output);
    }

    [Fact]
    public void OwnerAsJson()
    {
        using var temp = new TempDirectory("cluster-cli");
        var crmMon = FakeCrmMon(temp, "after-move-to-node3.xml");

        var (code, output, error) = CliHarness.Run("cluster", "owner", "--name", "pcmk1", "--provider", "pacemaker", "--crm-mon", crmMon, "--server", "vs-sql-db", "-o", "json");

        Assert.True(code == 0, error);
        var owner = JArray.Parse(output).Single();
        Assert.Equal("node3", owner.Value<string>("Node"));
        Assert.Equal("vs-sql", owner.Value<string>("Group"));
    }

    [Fact]
    public void UnknownServerAndUnknownProviderAreUsageErrors()
    {
        using var temp = new TempDirectory("cluster-cli");
        var crmMon = FakeCrmMon(temp, "after-move-to-node3.xml");

        var missing = CliHarness.Run("cluster", "owner", "--name", "pcmk1", "--provider", "Pacemaker", "--crm-mon", crmMon, "--server", "nosuch");
        Assert.Equal(2, missing.ExitCode);
        Assert.Contains("no group or resource named 'nosuch'", missing.Error);

        var provider = CliHarness.Run("cluster", "status", "--name", "x", "--provider", "Heartbeat");
        Assert.Equal(2, provider.ExitCode);
        Assert.Contains("not a cluster provider", provider.Error);
    }
}
