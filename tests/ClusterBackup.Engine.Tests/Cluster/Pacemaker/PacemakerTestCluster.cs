using System.Diagnostics;
using System.Text.RegularExpressions;
using ClusterBackup.Engine.Cluster;
using ClusterBackup.Engine.Cluster.Pacemaker;
using ClusterBackup.Engine.Common;
using ClusterBackup.Engine.Configuration;
using Newtonsoft.Json.Linq;

namespace ClusterBackup.Engine.Tests.Cluster.Pacemaker;

/// <summary>
/// Runs the test only where a real Pacemaker cluster can be started: root, and corosync, pacemakerd, crm_mon,
/// ip, unshare and nsenter installed (./build.sh test installs them). Otherwise the test is reported skipped.
/// </summary>
public sealed class PacemakerFactAttribute : FactAttribute
{
    public PacemakerFactAttribute()
    {
        if (!OperatingSystem.IsLinux())
            Skip = "A Pacemaker test cluster needs Linux.";
        else if (Environment.UserName != "root")
            Skip = "A Pacemaker test cluster needs root (network namespaces, mounts).";
        else if (PacemakerTestCluster.MissingTools() is { Count: > 0 } missing)
            Skip = "Not installed: " + string.Join(", ", missing) + ".";
    }
}

/// <summary>
/// A real three-node Pacemaker 2.1 / Corosync 3 cluster on this machine, one network namespace per node on a
/// private bridge, for the Pacemaker provider's integration test (pacemaker-test-cluster.sh does the namespace work).
/// Names carry a random tag and the subnet is a free 10.x.y.0/24, so runs in parallel do not collide.
/// The test host is the parent of every node process; disposal kills them and removes the namespaces,
/// also after a failed start. A cluster left behind by a test host that died is removed by the next start.
/// </summary>
public sealed class PacemakerTestCluster : IAsyncLifetime
{
    public const int NodeCount = 3;
    private static readonly string[] Tools = ["corosync", "pacemakerd", "crm_mon", "crm_resource", "crm_attribute", "cibadmin", "ip", "unshare", "nsenter"];
    private static readonly string StateRoot = Path.Combine(Path.GetTempPath(), "cb-pcmk");
    private readonly List<Process> _nodes = [];
    private readonly string _script = Path.Combine(AppContext.BaseDirectory, "Cluster", "Pacemaker", "pacemaker-test-cluster.sh");

    private const string InitialConfiguration = """
        <cib admin_epoch="0" epoch="1" num_updates="0" validate-with="pacemaker-3.9">
          <configuration>
            <crm_config>
              <cluster_property_set id="cib-bootstrap-options">
                <nvpair id="opt-stonith-enabled" name="stonith-enabled" value="false"/>
                <nvpair id="opt-dc-deadtime" name="dc-deadtime" value="2s"/>
              </cluster_property_set>
            </crm_config>
            <nodes/>
            <resources>
              <group id="vs-sql">
                <primitive id="vs-sql-ip" class="ocf" provider="pacemaker" type="Dummy"/>
                <primitive id="vs-sql-db" class="ocf" provider="pacemaker" type="Dummy"/>
              </group>
              <primitive id="pg-vip" class="ocf" provider="pacemaker" type="Dummy"/>
            </resources>
            <constraints/>
          </configuration>
          <status/>
        </cib>
        """;

    public PacemakerTestCluster()
    {
        Tag = Guid.NewGuid().ToString("N")[..6];
        StateDirectory = Path.Combine(StateRoot, Tag);
    }

    public string Tag { get; }

    /// <summary>Runs once the node processes are started; a test makes it throw to check teardown after a failed start.</summary>
    public Func<PacemakerTestCluster, Task>? AfterNodesStarted { get; init; }

    public string StateDirectory { get; }

    public string ClusterName => "cb" + Tag;

    /// <summary>Runs crm_mon inside node 1, the way an admin would configure ssh or nsenter as the prefix.</summary>
    public ClusterDefinition Definition => new(ClusterName, "Pacemaker", new JObject
    {
        ["commandPrefix"] = new JArray("bash", _script, "exec", StateDirectory, "1"),
        ["timeoutSeconds"] = 20,
    });

    public IClusterService Service => ProviderRegistry.Default.CreateCluster(Definition);

    /// <summary>The same command prefix as one string, the way a user passes it to the CLI or a cmdlet.</summary>
    public string CommandPrefix => $"bash {_script} exec {StateDirectory} 1";

    public static IReadOnlyList<string> MissingTools()
    {
        var path = (Environment.GetEnvironmentVariable("PATH") ?? "").Split(':').Concat(["/usr/sbin", "/sbin"]).ToList();
        return Tools.Where(tool => !path.Any(dir => File.Exists(Path.Combine(dir, tool)))).ToList();
    }

    public async Task InitializeAsync()
    {
        RemoveAbandonedClusters();
        try
        {
            Directory.CreateDirectory(StateDirectory);
            await File.WriteAllTextAsync(Path.Combine(StateDirectory, "owner.pid"), Environment.ProcessId.ToString());
            // The cluster starts with its configuration: no fencing (test nodes have none), a 2 s dc-deadtime instead
            // of 20 s, and the resources the test moves (ocf:pacemaker:Dummy ships with Pacemaker).
            await File.WriteAllTextAsync(Path.Combine(StateDirectory, "cib.xml"), InitialConfiguration);
            await Script("net-up", StateDirectory, Tag, FreeSubnet(), NodeCount.ToString());
            for (var node = 1; node <= NodeCount; node++)
                _nodes.Add(StartNode(node));
            if (AfterNodesStarted is { } hook)
                await hook(this);

            await WaitUntilAsync("three nodes online with quorum", TimeSpan.FromSeconds(120), async () =>
            {
                var status = await ((PacemakerClusterService)Service).GetStatusAsync();
                return status.HasQuorum && status.Nodes.Count(n => n.State == ClusterNodeState.Online) == NodeCount;
            });
            await WaitUntilAsync("vs-sql started", TimeSpan.FromSeconds(60), async () =>
                (await Service.GetGroupsAsync()).Any(g => g.Name == "vs-sql" && g.State == ClusterGroupState.Online && g.OwnerNode is not null));
        }
        catch
        {
            await DisposeAsync();
            throw;
        }
    }

    public async Task DisposeAsync()
    {
        var daemons = DaemonPids();
        foreach (var node in _nodes)
        {
            try { node.Kill(entireProcessTree: true); }
            catch (InvalidOperationException) { }
        }
        try
        {
            await Script("down", StateDirectory);
        }
        finally
        {
            foreach (var node in _nodes)
            {
                node.WaitForExit(10_000);
                node.Dispose();
            }
            _nodes.Clear();
            try { Directory.Delete(StateDirectory, recursive: true); }
            catch (IOException) { }
        }
        // SIGKILL is delivered asynchronously; wait (bounded) until no daemon of this cluster still runs.
        await WaitUntilAsync("the cluster's daemons to exit", TimeSpan.FromSeconds(30), () => Task.FromResult(!daemons.Any(IsRunning)));
    }

    /// <summary>True while <paramref name="pid"/> is a live process (a zombie waiting to be reaped has stopped running).</summary>
    public static bool IsRunning(int pid)
    {
        try
        {
            var stat = File.ReadAllText($"/proc/{pid}/stat");
            return stat[(stat.LastIndexOf(')') + 2)..][0] != 'Z';
        }
        catch (IOException)
        {
            return false;
        }
    }

    /// <summary>Runs a command inside node <paramref name="node"/> (1-based) and returns its standard output.</summary>
    public async Task<string> Exec(int node, params string[] command)
    {
        var output = await ProcessCommandRunner.Instance.RunAsync(["bash", _script, "exec", StateDirectory, node.ToString(), .. command], TimeSpan.FromSeconds(30), default);
        if (output.ExitCode != 0)
            throw new InvalidOperationException($"{string.Join(' ', command)} on node{node} exited with {output.ExitCode}: {output.StandardError.Trim()}");
        return output.StandardOutput;
    }

    /// <summary>Kills every process of one node, as a power failure would.</summary>
    public void KillNode(int node)
    {
        var process = _nodes[node - 1];
        process.Kill(entireProcessTree: true);
        process.WaitForExit(10_000);
    }

    /// <summary>Polls <paramref name="condition"/> until it holds; fails naming what did not happen within the bound.</summary>
    public static async Task WaitUntilAsync(string what, TimeSpan timeout, Func<Task<bool>> condition)
    {
        var clock = Stopwatch.StartNew();
        Exception? last = null;
        while (clock.Elapsed < timeout)
        {
            try
            {
                if (await condition())
                    return;
                last = null;
            }
            catch (Exception ex) when (ex is ClusterBackupException or InvalidOperationException)
            {
                last = ex; // the cluster is still starting: crm_mon cannot connect yet
            }
            await Task.Delay(250);
        }
        throw new TimeoutException($"Waited {timeout.TotalSeconds:0} s for {what}." + (last is null ? "" : $" Last error: {last.Message}"));
    }

    private Process StartNode(int node)
    {
        var start = new ProcessStartInfo("bash") { UseShellExecute = false, RedirectStandardOutput = true, RedirectStandardError = true };
        foreach (var argument in new[] { _script, "node", StateDirectory, node.ToString() })
            start.ArgumentList.Add(argument);
        var process = Process.Start(start)!;
        process.OutputDataReceived += (_, _) => { };
        process.ErrorDataReceived += (_, _) => { };
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();
        return process;
    }

    private async Task Script(params string[] arguments)
    {
        var output = await ProcessCommandRunner.Instance.RunAsync(["bash", _script, .. arguments], TimeSpan.FromSeconds(60), default);
        if (output.ExitCode != 0)
            throw new InvalidOperationException($"pacemaker-test-cluster.sh {arguments[0]} exited with {output.ExitCode}: {output.StandardError.Trim()}");
    }

    /// <summary>A 10.x.y.0/24 no interface of this machine uses; the nodes take .11, .12, .13.</summary>
    private static string FreeSubnet()
    {
        var used = Process.Start(new ProcessStartInfo("ip", "-4 -o addr show") { RedirectStandardOutput = true })!.StandardOutput.ReadToEnd();
        var routes = Process.Start(new ProcessStartInfo("ip", "-4 route show") { RedirectStandardOutput = true })!.StandardOutput.ReadToEnd();
        for (var attempt = 0; attempt < 100; attempt++)
        {
            var subnet = $"10.{Random.Shared.Next(200, 250)}.{Random.Shared.Next(0, 256)}";
            if (!used.Contains(subnet + ".", StringComparison.Ordinal) && !routes.Contains(subnet + ".", StringComparison.Ordinal))
                return subnet;
        }
        throw new InvalidOperationException("No free 10.x.y.0/24 test subnet found.");
    }

    /// <summary>Removes clusters whose test host is gone (a crashed or killed run), so nothing piles up.</summary>
    private void RemoveAbandonedClusters()
    {
        if (!Directory.Exists(StateRoot))
            return;
        foreach (var directory in Directory.GetDirectories(StateRoot))
        {
            var ownerFile = Path.Combine(directory, "owner.pid");
            if (!File.Exists(ownerFile) || !int.TryParse(File.ReadAllText(ownerFile), out var owner) || Directory.Exists($"/proc/{owner}"))
                continue;
            try
            {
                Script("down", directory).GetAwaiter().GetResult();
                Directory.Delete(directory, recursive: true);
            }
            catch (Exception ex) when (ex is IOException or InvalidOperationException) { }
        }
    }

    /// <summary>The pids of corosync and pacemaker daemons inside this cluster's namespaces (empty after disposal).</summary>
    public IReadOnlyList<int> DaemonPids()
    {
        var pids = new List<int>();
        for (var node = 1; node <= NodeCount; node++)
        {
            var info = new ProcessStartInfo("ip") { RedirectStandardOutput = true, RedirectStandardError = true };
            foreach (var a in new[] { "netns", "pids", $"cb{Tag}n{node}" }) info.ArgumentList.Add(a);
            using var p = Process.Start(info)!;
            var text = p.StandardOutput.ReadToEnd();
            p.WaitForExit();
            pids.AddRange(Regex.Matches(text, @"\d+").Select(m => int.Parse(m.Value)));
        }
        return pids;
    }
}
