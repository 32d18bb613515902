using ClusterBackup.Engine.Common;

namespace ClusterBackup.Engine.Tests.Common;

public class ExternalProcessTests
{
    [Fact]
    public async Task PassesArgumentsWithoutAShellAndCollectsBothStreams()
    {
        var lines = new List<string>();
        var result = await ExternalProcess.RunAsync(new ExternalCommand("sh", ["-c", "printf '%s' \"$1\"; echo oops >&2; cat; exit 3", "sh", "a b; $(x)"], "test",
            Environment: new Dictionary<string, string> { ["CB_TEST"] = "1" }, Input: "from stdin", OnErrorLine: lines.Add));
        Assert.Equal(3, result.ExitCode);
        Assert.Equal("a b; $(x)from stdin", result.StandardOutput);
        Assert.Equal(["oops"], result.ErrorLines);
        Assert.Equal(["oops"], lines);
    }

    [Fact]
    public async Task AProgramThatCannotStartNamesTheProgramAndTheTarget()
    {
        var error = await Assert.ThrowsAsync<ClusterBackupException>(() => ExternalProcess.RunAsync(new ExternalCommand("/nonexistent/tool", [], "server1")));
        Assert.Equal(ErrorKind.ResourceUnavailable, error.Kind);
        Assert.Contains("/nonexistent/tool", error.Message);
        Assert.Contains("server1", error.Message);
    }

    [Fact]
    public async Task TheTimeoutKillsTheChildAndSaysSo()
    {
        var error = await Assert.ThrowsAsync<ClusterBackupException>(() =>
            ExternalProcess.RunAsync(new ExternalCommand("sleep", ["30"], "slow", Timeout: TimeSpan.FromMilliseconds(200))));
        Assert.Contains("did not finish", error.Message);
    }

    [Fact]
    public async Task CancellationKillsTheChild()
    {
        using var cancel = new CancellationTokenSource(TimeSpan.FromMilliseconds(200));
        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => ExternalProcess.RunAsync(new ExternalCommand("sleep", ["30"], "slow"), cancel.Token));
    }

    [Fact]
    public async Task AChildOutlivesTheThreadThatStartedIt()
    {
        // The parent-death signal follows the forking thread: a child started from a thread that then ends must not die with it.
        Task<ExternalResult>? run = null;
        var thread = new Thread(() => run = ExternalProcess.RunAsync(new ExternalCommand("sh", ["-c", "sleep 0.5; exit 4"], "test")));
        thread.Start();
        thread.Join();
        var result = await run!;
        Assert.Equal(4, result.ExitCode);
        Assert.Empty(result.ErrorLines);
    }
}
