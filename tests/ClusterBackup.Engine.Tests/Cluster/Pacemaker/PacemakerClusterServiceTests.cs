using ClusterBackup.Engine.Cluster.Pacemaker;
using ClusterBackup.Engine.Common;
using ClusterBackup.Engine.Configuration;
using Newtonsoft.Json.Linq;

namespace ClusterBackup.Engine.Tests.Cluster.Pacemaker;

/// <summary>The provider's command handling with a recording runner in place of crm_mon.</summary>
public class PacemakerClusterServiceTests
{
    private sealed class RecordingRunner(CommandOutput output) : ICommandRunner
    {
        public List<IReadOnlyList<string>> Calls { get; } = [];

        public Task<CommandOutput> RunAsync(IReadOnlyList<string> commandLine, TimeSpan timeout, CancellationToken cancellationToken)
        {
            Calls.Add(commandLine);
            return Task.FromResult(output);
        }
    }

    [Fact]
    public void FactoryIsFoundByProviderNameAndReadsSettings()
    {
        var definition = new ClusterDefinition("pcmk1", "pacemaker", new JObject
        {
            ["crmMon"] = "/usr/sbin/crm_mon",
            ["commandPrefix"] = new JArray("ssh", "root@node1"),
            ["timeoutSeconds"] = 5,
        });

        var service = Assert.IsType<PacemakerClusterService>(ProviderRegistry.Default.CreateCluster(definition));

        Assert.Equal("pcmk1", service.ClusterName);
        Assert.Equal(["ssh", "root@node1", "/usr/sbin/crm_mon", "-1", "--output-as=xml"], service.Settings.CommandLine);
        Assert.Equal(TimeSpan.FromSeconds(5), service.Settings.Timeout);
    }

    [Fact]
    public void PrefixGivenAsOneStringIsSplitRespectingQuotes()
    {
        Assert.Equal(["nsenter", "-t", "42", "-m", "-n"], PacemakerSettings.SplitCommandLine("nsenter -t 42  -m -n"));
        Assert.Equal(["ssh", "-o", "ProxyCommand=nc %h 22", "n1"], PacemakerSettings.SplitCommandLine("ssh -o 'ProxyCommand=nc %h 22' n1"));
        Assert.Throws<ClusterBackupException>(() => PacemakerSettings.SplitCommandLine("ssh 'n1"));
    }

    [Fact]
    public void BadTimeoutIsRejectedNamingTheCluster()
    {
        var error = Assert.Throws<ClusterBackupException>(() =>
            PacemakerSettings.FromDefinition(new ClusterDefinition("pcmk1", "Pacemaker", new JObject { ["timeoutSeconds"] = 0 })));
        Assert.Contains("pcmk1", error.Message);
    }

    [Fact]
    public async Task RunsTheConfiguredCommandAndAnswersTheOwner()
    {
        var runner = new RecordingRunner(new CommandOutput(0, CrmMonStatusParserTests.Recorded("after-move-to-node3.xml"), ""));
        var service = new PacemakerClusterService("pcmk1", PacemakerSettings.Default with { CommandPrefix = ["nsenter", "-t", "1"] }, runner);

        var owner = await service.GetOwnerAsync("vs-sql");

        Assert.Equal("node3", owner.Node);
        Assert.Equal(["nsenter", "-t", "1", "crm_mon", "-1", "--output-as=xml"], Assert.Single(runner.Calls));
    }

    [Fact]
    public async Task ConfiguredNodeAddressesAreReportedWithNodesAndOwner()
    {
        var settings = PacemakerSettings.FromDefinition(new ClusterDefinition("pcmk1", "Pacemaker", new JObject
        {
            ["nodeAddresses"] = new JObject { ["node1"] = "10.0.0.11", ["NODE3"] = "10.0.0.13" },
        }));
        var runner = new RecordingRunner(new CommandOutput(0, CrmMonStatusParserTests.Recorded("after-move-to-node3.xml"), ""));
        var service = new PacemakerClusterService("pcmk1", settings, runner);

        var nodes = await service.GetNodesAsync();
        var owner = await service.GetOwnerAsync("vs-sql");

        Assert.Equal(["10.0.0.11", null, "10.0.0.13"], nodes.Select(n => n.Address));
        Assert.Equal("10.0.0.13", owner.NodeAddress);
        Assert.Throws<ClusterBackupException>(() => PacemakerSettings.FromDefinition(
            new ClusterDefinition("pcmk1", "Pacemaker", new JObject { ["nodeAddresses"] = new JArray("x") })));
    }

    [Fact]
    public async Task FailureWithoutXmlNamesTheClusterAndTheCommand()
    {
        var runner = new RecordingRunner(new CommandOutput(255, "", "ssh: connect to host node1 port 22: Connection refused"));
        var service = new PacemakerClusterService("pcmk1", PacemakerSettings.Default with { CommandPrefix = ["ssh", "node1"] }, runner);

        var error = await Assert.ThrowsAsync<ClusterBackupException>(() => service.GetNodesAsync());

        Assert.Equal(ErrorKind.ConnectionError, error.Kind);
        Assert.Contains("pcmk1", error.Message);
        Assert.Contains("ssh node1 crm_mon", error.Message);
        Assert.Contains("Connection refused", error.Message);
    }

    [Fact]
    public async Task MissingProgramIsResourceUnavailable()
    {
        var service = new PacemakerClusterService("pcmk1", PacemakerSettings.Default with { CrmMon = "/nonexistent/crm_mon" }, ProcessCommandRunner.Instance);

        var error = await Assert.ThrowsAsync<ClusterBackupException>(() => service.GetGroupsAsync());

        Assert.Equal(ErrorKind.ResourceUnavailable, error.Kind);
        Assert.Contains("/nonexistent/crm_mon", error.Message);
    }
}
