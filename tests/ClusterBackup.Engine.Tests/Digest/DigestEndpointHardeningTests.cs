using System.Buffers.Binary;
using System.Diagnostics;
using System.Net;
using System.Net.Sockets;
using System.Text;
using ClusterBackup.Engine.Common;
using ClusterBackup.Engine.Digest;
using ClusterBackup.Engine.Digest.Remote;

namespace ClusterBackup.Engine.Tests.Digest;

/// <summary>
/// The digest endpoint attacked on loopback, each attack bounded in count and time: a flood of connections that never
/// authenticate, slow and idle peers, an oversized frame, a symbolic link swapped in during a repair, running out of
/// file descriptors. After each the endpoint has logged the refusal and still serves a good client.
/// </summary>
public class DigestEndpointHardeningTests
{
    private sealed class Endpoint : IAsyncDisposable
    {
        private readonly CancellationTokenSource _stop = new();
        private readonly Task _run;

        public Endpoint(DigestServerOptions options)
        {
            Server = new DigestServer(options, Reporter);
            Server.Start();
            _run = Server.RunAsync(_stop.Token);
        }

        public DigestServer Server { get; }
        public RecordingReporter Reporter { get; } = new();

        public int WarningsContaining(string text)
        {
            lock (Reporter.Messages)
                return Reporter.Warnings.Count(w => w.Contains(text, StringComparison.Ordinal));
        }

        /// <summary>Waits (bounded) until <paramref name="count"/> warnings hold <paramref name="text"/>.</summary>
        public bool WaitForWarnings(string text, int count)
        {
            var stop = DateTime.UtcNow.AddSeconds(20);
            while (WarningsContaining(text) < count && DateTime.UtcNow < stop)
                Thread.Sleep(20);
            return WarningsContaining(text) >= count;
        }

        public async ValueTask DisposeAsync()
        {
            _stop.Cancel();
            await _run;
            Server.Dispose();
            _stop.Dispose();
        }
    }

    private sealed record Scene(TempDirectory Dir, string Primary, string Backup, string Served, string Key) : IDisposable
    {
        public static Scene Create()
        {
            var dir = new TempDirectory("endpoint");
            var served = dir.Combine("served");
            Directory.CreateDirectory(served);
            var original = DigestTestData.RandomBytes(256 * 1024 + 100, 70);
            var changed = (byte[])original.Clone();
            DigestTestData.ChangeScatteredBlocks(changed, 4096, 0.05, 71);
            File.WriteAllBytes(dir.Combine("primary"), changed);
            File.WriteAllBytes(Path.Combine(served, "copy"), original);
            return new Scene(dir, dir.Combine("primary"), Path.Combine(served, "copy"), served, DigestTestData.WriteKey(dir));
        }

        public DigestServerOptions Options => new() { Address = IPAddress.Loopback, Port = 0, Key = DigestKey.Load(Key), Root = Served };

        public void Dispose() => Dir.Dispose();
    }

    private static Task<BlockDigestComparison> CompareAsync(Scene scene, int port, bool repair = false, string? remotePath = null) =>
        new CompareBlockDigestOperation().RunAsync(new CompareBlockDigestRequest
        {
            Path = scene.Primary,
            Remote = new DigestEndpoint("127.0.0.1", port),
            RemotePath = remotePath ?? scene.Backup,
            KeyFile = scene.Key,
            Repair = repair,
            Options = new BlockDigestOptions { BlockSize = 4096, GroupBlocks = 16, Algorithm = DigestAlgorithm.Xxh3 },
        }, NullOperationReporter.Instance, CancellationToken.None);

    /// <summary>A good client compares (and repairs when asked) as if nothing had happened.</summary>
    private static async Task AGoodClientIsServed(Scene scene, int port, bool repair = false)
    {
        var result = await CompareAsync(scene, port, repair);
        Assert.Equal("Remote", result.Mode);
        Assert.True(result.DifferingBlocks > 0 || result.Identical);
        if (repair)
            Assert.Equal(DigestTestData.Sha256Of(scene.Primary), DigestTestData.Sha256Of(scene.Backup));
    }

    private static async Task<TcpClient> ConnectAsync(int port)
    {
        var client = new TcpClient();
        await client.ConnectAsync(IPAddress.Loopback, port);
        return client;
    }

    /// <summary>The next frame from the endpoint, or null when it closed the connection; fails the test when nothing comes within 10 s.</summary>
    private static async Task<(byte Type, string Text)?> ReadFrameAsync(TcpClient client)
    {
        using var limit = new CancellationTokenSource(TimeSpan.FromSeconds(10));
        var header = new byte[5];
        try
        {
            var stream = client.GetStream();
            await stream.ReadExactlyAsync(header, limit.Token);
            var payload = new byte[BinaryPrimitives.ReadInt32LittleEndian(header.AsSpan(1))];
            await stream.ReadExactlyAsync(payload, limit.Token);
            return (header[0], Encoding.UTF8.GetString(payload));
        }
        catch (Exception ex) when (ex is EndOfStreamException or IOException or InvalidOperationException)
        {
            // Closed by the endpoint (a write that met the reset closes the client's socket too).
            return null;
        }
    }

    private const byte ServerHello = 1, Error = 5;

    private static string Prlimit(params string[] arguments)
    {
        var start = new ProcessStartInfo("prlimit", arguments) { RedirectStandardOutput = true, RedirectStandardError = true };
        using var process = Process.Start(start)!;
        var output = process.StandardOutput.ReadToEnd();
        var error = process.StandardError.ReadToEnd();
        Assert.True(process.WaitForExit(30_000) && process.ExitCode == 0, $"prlimit {string.Join(' ', arguments)}: {error}");
        return output.Trim();
    }

    [Fact]
    public async Task AFloodOfConnectionsThatNeverAuthenticateIsRefusedPastTheLimitAndAGoodClientIsServedAfterIt()
    {
        using var scene = Scene.Create();
        await using var endpoint = new Endpoint(scene.Options with { MaxConnections = 4, HandshakeTimeout = TimeSpan.FromMinutes(2) });
        var port = endpoint.Server.Port;
        var flood = new List<TcpClient>();
        try
        {
            var frames = new List<(byte Type, string Text)?>();
            for (var i = 0; i < 24; i++)
            {
                flood.Add(await ConnectAsync(port));
                frames.Add(await ReadFrameAsync(flood[^1]));
            }
            // Four are served (and wait for authentication); every other one is told why and closed.
            Assert.Equal(4, frames.Count(f => f?.Type == ServerHello));
            Assert.Equal(20, frames.Count(f => f?.Type == Error && f.Value.Text.Contains("busy", StringComparison.Ordinal)));
            Assert.All(frames.Skip(4), f => Assert.Equal(Error, f?.Type));
            Assert.Equal(20, endpoint.WarningsContaining("connections are open, the most it serves at once"));
            Assert.Contains(endpoint.Reporter.Warnings, w => w.Contains("refused client 127.0.0.1:", StringComparison.Ordinal));
        }
        finally
        {
            flood.ForEach(c => c.Dispose());
        }
        Assert.True(endpoint.WaitForWarnings("closed the connection", 4), string.Join("\n", endpoint.Reporter.Warnings));
        await AGoodClientIsServed(scene, port, repair: true);
    }

    [Fact]
    public async Task AnOversizedFrameBeforeAuthenticationIsRefusedAtItsHeader()
    {
        using var scene = Scene.Create();
        await using var endpoint = new Endpoint(scene.Options);
        using (var client = await ConnectAsync(endpoint.Server.Port))
        {
            Assert.Equal(ServerHello, (await ReadFrameAsync(client))?.Type);
            // A header announcing 64 MiB (the most an authenticated peer may send), and no payload: the endpoint answers at once.
            var header = new byte[5];
            header[0] = 2;
            BinaryPrimitives.WriteInt32LittleEndian(header.AsSpan(1), DigestChannel.MaxPayload);
            await client.GetStream().WriteAsync(header);
            var refusal = await ReadFrameAsync(client);
            Assert.Equal(Error, refusal?.Type);
            Assert.Contains($"at most {DigestChannel.MaxPreAuthenticationPayload} before authentication", refusal!.Value.Text);
            Assert.Null(await ReadFrameAsync(client));
        }
        Assert.Equal(1, endpoint.WarningsContaining("(FrameTooLarge)"));
        await AGoodClientIsServed(scene, endpoint.Server.Port);
    }

    [Fact]
    public async Task IdleAndSlowPeersAreCutOffAtTheHandshakeDeadline()
    {
        using var scene = Scene.Create();
        await using var endpoint = new Endpoint(scene.Options with { HandshakeTimeout = TimeSpan.FromSeconds(1) });
        using var idle = await ConnectAsync(endpoint.Server.Port);
        using var slow = await ConnectAsync(endpoint.Server.Port);
        Assert.Equal(ServerHello, (await ReadFrameAsync(idle))?.Type);
        Assert.Equal(ServerHello, (await ReadFrameAsync(slow))?.Type);

        // The slow peer sends its 69-byte authentication one byte at a time, 100 ms apart: always busy, never done in time.
        var authentication = new byte[69];
        authentication[0] = 2;
        BinaryPrimitives.WriteInt32LittleEndian(authentication.AsSpan(1), 64);
        var sent = 0;
        try
        {
            for (; sent < 69 && endpoint.WarningsContaining("(HandshakeTimedOut)") < 2; sent++)
            {
                await slow.GetStream().WriteAsync(authentication.AsMemory(sent, 1));
                await Task.Delay(100);
            }
        }
        catch (IOException) { }
        Assert.True(sent < 69, "the slow peer was never cut off");
        foreach (var peer in new[] { idle, slow })
        {
            var refusal = await ReadFrameAsync(peer);
            if (refusal is not null)
            {
                Assert.Equal(Error, refusal.Value.Type);
                Assert.Contains("did not authenticate and send its request within 1 s", refusal.Value.Text);
            }
        }
        Assert.True(endpoint.WaitForWarnings("(HandshakeTimedOut)", 2), string.Join("\n", endpoint.Reporter.Warnings));
        await AGoodClientIsServed(scene, endpoint.Server.Port);
    }

    [Fact]
    public async Task AnAuthenticatedPeerThatStopsSendingIsCutOffAtTheFrameDeadline()
    {
        using var scene = Scene.Create();
        await using var endpoint = new Endpoint(scene.Options with { FrameTimeout = TimeSpan.FromSeconds(1) });
        using (var client = await ConnectAsync(endpoint.Server.Port))
        {
            // A real client, as the backup side: it authenticates and asks, then never sends the BackupInfo the endpoint waits for.
            await using var channel = new DigestChannel(client.GetStream(), "the endpoint");
            using var limit = new CancellationTokenSource(TimeSpan.FromSeconds(20));
            await DigestHandshake.ClientAsync(channel, DigestKey.Load(scene.Key), limit.Token);
            var request = new DigestSessionRequest(DigestRole.Backup, new BlockDigestOptions { BlockSize = 4096, GroupBlocks = 16 }, false, false, scene.Backup);
            await channel.SendAsync(DigestMessage.Request, request.Encode(), limit.Token);
            await channel.FlushAsync(limit.Token);
            var ended = await Assert.ThrowsAsync<DigestPeerException>(() => channel.ReceiveAsync(limit.Token));
            Assert.Contains("sent no complete message within 1 s", ended.Message);
        }
        Assert.True(endpoint.WaitForWarnings("(PeerTimedOut)", 1), string.Join("\n", endpoint.Reporter.Warnings));
        await AGoodClientIsServed(scene, endpoint.Server.Port);
    }

    [Fact]
    public async Task ASymbolicLinkSwappedInBetweenTheCheckAndTheOpenOfARepairIsRefusedAndNothingOutsideTheRootIsWritten()
    {
        using var scene = Scene.Create();
        var outside = scene.Dir.Combine("outside");
        File.Copy(scene.Backup, outside);
        var outsideBefore = DigestTestData.Sha256Of(outside);
        var pauses = scene.Dir.Combine("pauses");
        Directory.CreateDirectory(pauses);
        using var server = new DigestServeProcess(["--root", scene.Served, "--key-file", scene.Key],
            new Dictionary<string, string> { [PausePoint.EnvironmentVariable] = DigestServedRoot.PathCheckedPausePoint, [PausePoint.DirectoryVariable] = pauses });

        // The repair's path is checked (a regular file under the root) and the endpoint holds still before opening it...
        var repair = CompareAsync(scene, server.Port, repair: true);
        var reached = Path.Combine(pauses, DigestServedRoot.PathCheckedPausePoint + ".reached");
        var stop = Stopwatch.StartNew();
        while (!File.Exists(reached) && stop.Elapsed < TimeSpan.FromMinutes(1) && !repair.IsCompleted)
            await Task.Delay(50);
        Assert.True(File.Exists(reached), server.Log);
        // ...while the copy is replaced by a link to a file outside the root.
        File.Delete(scene.Backup);
        File.CreateSymbolicLink(scene.Backup, outside);
        File.WriteAllText(Path.Combine(pauses, DigestServedRoot.PathCheckedPausePoint + ".release"), "");

        var refused = await Assert.ThrowsAnyAsync<ClusterBackupException>(() => repair);
        Assert.Contains("not served", refused.Message);
        Assert.Equal(outsideBefore, DigestTestData.Sha256Of(outside));
        Assert.True(server.WaitForLog("(PathOutsideRoot)", TimeSpan.FromSeconds(20)), server.Log);
        Assert.Contains($"replaced while it was opened and is now '{outside}'", server.Log);

        // The endpoint goes on serving: with the copy back in place, the same repair succeeds (the pause point is released).
        File.Delete(scene.Backup);
        File.Copy(outside, scene.Backup);
        await AGoodClientIsServed(scene, server.Port, repair: true);
        Assert.Equal(outsideBefore, DigestTestData.Sha256Of(outside));
        Assert.False(server.HasExited);
    }

    [Fact]
    public async Task RunningOutOfFileDescriptorsIsLoggedAndServingGoesOn()
    {
        using var scene = Scene.Create();
        using var server = new DigestServeProcess(["--root", scene.Served, "--key-file", scene.Key, "--handshake-timeout", "120", "--max-connections", "100"]);
        // A first session (a repair, as the last one) loads everything a session needs while descriptors are plentiful.
        await AGoodClientIsServed(scene, server.Port, repair: true);
        File.WriteAllBytes(scene.Backup, DigestTestData.RandomBytes(256 * 1024 + 100, 70));

        // Four descriptors to spare, then more connections than that.
        var pid = server.ProcessId.ToString(System.Globalization.CultureInfo.InvariantCulture);
        var original = Prlimit("--pid", pid, "--nofile", "--output", "SOFT,HARD", "--noheadings").Split(' ', StringSplitOptions.RemoveEmptyEntries);
        var limit = server.OpenDescriptors + 4;
        Prlimit("--pid", pid, $"--nofile={limit}:{original[1]}");
        var held = new List<TcpClient>();
        try
        {
            for (var i = 0; i < 16; i++)
            {
                try
                {
                    held.Add(await ConnectAsync(server.Port));
                }
                catch (SocketException)
                {
                    // Out of descriptors, the endpoint may drop a connection it accepted but could not hold; that is a
                    // refusal too. What counts is below: it logged the shortage and it still serves.
                }
            }
            Assert.True(server.WaitForLog("cannot accept a connection", TimeSpan.FromSeconds(30)), server.Log);
            Assert.Contains("still serving", server.Log);
            Assert.False(server.HasExited, server.Log);
        }
        finally
        {
            // The shortage ends, as on a server where whatever held the descriptors went away; the endpoint is still there.
            // (The runtime loads some assemblies lazily, on the paths that end a session; with no descriptor left that load fails.)
            if (!server.HasExited)
                Prlimit("--pid", pid, $"--nofile={original[0]}:{original[1]}");
            held.ForEach(c => c.Dispose());
        }

        // The held connections gone, the endpoint serves again; it may still be pausing between accepts, so a refused client retries (bounded).
        ClusterBackupException? last = null;
        for (var attempt = 0; attempt < 20; attempt++)
        {
            try
            {
                await AGoodClientIsServed(scene, server.Port, repair: true);
                last = null;
                break;
            }
            catch (ClusterBackupException ex)
            {
                last = ex;
                await Task.Delay(500);
            }
        }
        Assert.True(last is null, $"{last?.Message}\n{server.Log}");
        Assert.False(server.HasExited);
    }
}
