using System.Net;
using ClusterBackup.Engine.Common;
using ClusterBackup.Engine.Digest;
using ClusterBackup.Engine.Digest.Remote;

namespace ClusterBackup.Engine.Tests.Digest;

/// <summary>The digest endpoint over loopback: a real TCP listener on a free port, real files.</summary>
public class RemoteDigestTests
{
    private sealed class Endpoint : IAsyncDisposable
    {
        private readonly CancellationTokenSource _stop = new();
        private readonly Task _run;

        public Endpoint(string root, string keyFile, bool readOnly = false, RecordingReporter? reporter = null)
        {
            Reporter = reporter ?? new RecordingReporter();
            Server = new DigestServer(new DigestServerOptions { Address = IPAddress.Loopback, Port = 0, Key = DigestKey.Load(keyFile), Root = root, ReadOnly = readOnly }, Reporter);
            Server.Start();
            _run = Server.RunAsync(_stop.Token);
        }

        public DigestServer Server { get; }
        public RecordingReporter Reporter { get; }
        public DigestEndpoint Address => new("127.0.0.1", Server.Port);

        public async ValueTask DisposeAsync()
        {
            _stop.Cancel();
            await _run;
            Server.Dispose();
            _stop.Dispose();
        }
    }

    private static CompareBlockDigestRequest Request(string local, Endpoint endpoint, string remotePath, string key, bool repair = false,
        DigestRole role = DigestRole.Primary, int blockSize = 4096) => new()
    {
        Path = local,
        Remote = endpoint.Address,
        RemotePath = remotePath,
        KeyFile = key,
        LocalRole = role,
        Repair = repair,
        Options = new BlockDigestOptions { BlockSize = blockSize, GroupBlocks = 16, Algorithm = DigestAlgorithm.Xxh3 },
    };

    [Fact]
    public async Task PrimaryStartedRepairOverLoopbackSendsOnlyDigestsAndChangedBlocks()
    {
        using var dir = new TempDirectory("remote");
        Directory.CreateDirectory(dir.Combine("backup"));
        var original = DigestTestData.RandomBytes(8 * 1024 * 1024 + 100, 30);
        var changed = (byte[])original.Clone();
        var blocks = DigestTestData.ChangeScatteredBlocks(changed, 4096, 0.01, 31);
        File.WriteAllBytes(dir.Combine("primary"), changed);
        File.WriteAllBytes(dir.Combine("backup", "copy"), original);
        var key = DigestTestData.WriteKey(dir);
        await using var endpoint = new Endpoint(dir.Combine("backup"), key);

        var compare = await new CompareBlockDigestOperation().RunAsync(Request(dir.Combine("primary"), endpoint, dir.Combine("backup", "copy"), key), NullOperationReporter.Instance, CancellationToken.None);
        Assert.Equal(blocks.Count, compare.DifferingBlocks);
        Assert.Equal("Remote", compare.Mode);
        Assert.False(compare.Repaired);

        var result = await new CompareBlockDigestOperation().RunAsync(Request(dir.Combine("primary"), endpoint, dir.Combine("backup", "copy"), key, repair: true), NullOperationReporter.Instance, CancellationToken.None);
        Assert.True(result.Repaired);
        Assert.Equal(blocks.Count, result.BlocksVerified);
        Assert.Equal(DigestTestData.Sha256Of(dir.Combine("primary")), DigestTestData.Sha256Of(dir.Combine("backup", "copy")));
        // Only digests, changed blocks and small framing crossed the link.
        Assert.True(result.BytesSent <= 1.05 * (result.DifferingBytes + result.DigestBytes), $"{result.BytesSent} bytes sent for {result.DifferingBytes} changed bytes and {result.DigestBytes} digest bytes");
        Assert.True(result.DigestBytes < original.Length / 4096 * 16, "the two-level comparison should send fewer digests than one per block");
    }

    [Fact]
    public async Task TheBackupSystemCanStartTheComparisonAndRepair()
    {
        using var dir = new TempDirectory("remote");
        Directory.CreateDirectory(dir.Combine("primary"));
        var original = DigestTestData.RandomBytes(2 * 1024 * 1024 + 3, 32);
        var changed = original.Concat(DigestTestData.RandomBytes(10_000, 33)).ToArray();
        DigestTestData.ChangeScatteredBlocks(changed, 4096, 0.02, 34);
        File.WriteAllBytes(dir.Combine("primary", "data"), changed);
        File.WriteAllBytes(dir.Combine("copy"), original);
        var key = DigestTestData.WriteKey(dir);
        await using var endpoint = new Endpoint(dir.Combine("primary"), key);

        var result = await new CompareBlockDigestOperation().RunAsync(Request(dir.Combine("copy"), endpoint, dir.Combine("primary", "data"), key, repair: true, role: DigestRole.Backup), NullOperationReporter.Instance, CancellationToken.None);
        Assert.Equal("Backup", result.InitiatedBy);
        Assert.True(result.Repaired);
        Assert.NotEmpty(result.DifferingRanges);
        Assert.Equal(DigestTestData.Sha256Of(dir.Combine("primary", "data")), DigestTestData.Sha256Of(dir.Combine("copy")));
    }

    [Fact]
    public async Task AWrongKeyIsRefusedWithAClearErrorAndNothingIsCompared()
    {
        using var dir = new TempDirectory("remote");
        File.WriteAllBytes(dir.Combine("p"), DigestTestData.RandomBytes(10_000, 35));
        File.WriteAllBytes(dir.Combine("b"), DigestTestData.RandomBytes(10_000, 36));
        var serverKey = DigestTestData.WriteKey(dir, "server.key");
        var clientKey = DigestTestData.WriteKey(dir, "client.key");
        await using var endpoint = new Endpoint(dir.Path, serverKey);

        var error = await Assert.ThrowsAsync<ClusterBackupException>(() => new CompareBlockDigestOperation().RunAsync(Request(dir.Combine("p"), endpoint, dir.Combine("b"), clientKey, repair: true), NullOperationReporter.Instance, CancellationToken.None));
        Assert.Equal(ErrorKind.PermissionDenied, error.Kind);
        Assert.Contains("shared key does not match", error.Message);
        Assert.DoesNotContain(File.ReadAllText(clientKey).Trim(), error.Message);
        Assert.NotEqual(DigestTestData.Sha256Of(dir.Combine("p")), DigestTestData.Sha256Of(dir.Combine("b")));
    }

    [Fact]
    public async Task PathsOutsideTheServedRootAndRepairsOfAReadOnlyEndpointAreRefused()
    {
        using var dir = new TempDirectory("remote");
        Directory.CreateDirectory(dir.Combine("served"));
        File.WriteAllBytes(dir.Combine("p"), DigestTestData.RandomBytes(10_000, 37));
        File.WriteAllBytes(dir.Combine("served", "b"), DigestTestData.RandomBytes(10_000, 38));
        var key = DigestTestData.WriteKey(dir);
        await using var endpoint = new Endpoint(dir.Combine("served"), key, readOnly: true);

        var outside = await Assert.ThrowsAnyAsync<ClusterBackupException>(() => new CompareBlockDigestOperation().RunAsync(Request(dir.Combine("p"), endpoint, dir.Combine("p"), key), NullOperationReporter.Instance, CancellationToken.None));
        Assert.Contains("not served", outside.Message);
        File.CreateSymbolicLink(dir.Combine("served", "link"), dir.Combine("p"));
        var throughLink = await Assert.ThrowsAnyAsync<ClusterBackupException>(() => new CompareBlockDigestOperation().RunAsync(Request(dir.Combine("p"), endpoint, dir.Combine("served", "link"), key), NullOperationReporter.Instance, CancellationToken.None));
        Assert.Contains("not served", throughLink.Message);
        var readOnly = await Assert.ThrowsAnyAsync<ClusterBackupException>(() => new CompareBlockDigestOperation().RunAsync(Request(dir.Combine("p"), endpoint, dir.Combine("served", "b"), key, repair: true), NullOperationReporter.Instance, CancellationToken.None));
        Assert.Contains("read-only", readOnly.Message);
    }

    [Fact]
    public async Task AnInterruptedRemoteRepairLeavesTheBackupNoWorseAndARerunFinishesIt()
    {
        using var dir = new TempDirectory("remote");
        Directory.CreateDirectory(dir.Combine("backup"));
        var original = DigestTestData.RandomBytes(16 * 1024 * 1024, 39);
        var changed = (byte[])original.Clone();
        DigestTestData.ChangeScatteredBlocks(changed, 4096, 0.6, 40);
        File.WriteAllBytes(dir.Combine("primary"), changed);
        File.WriteAllBytes(dir.Combine("backup", "copy"), original);
        var key = DigestTestData.WriteKey(dir);
        // Interrupt the primary's side once the endpoint has written some blocks to disk: the client's own
        // send progress says nothing about what the endpoint has applied.
        using var stop = new CancellationTokenSource();
        var batchesWritten = 0;
        var endpointReporter = new RecordingReporter((activity, _) =>
        {
            if (activity.StartsWith("Writing", StringComparison.Ordinal) && Interlocked.Increment(ref batchesWritten) == 2)
                stop.Cancel();
        });
        await using (var endpoint = new Endpoint(dir.Combine("backup"), key, reporter: endpointReporter))
        {
            await Assert.ThrowsAnyAsync<Exception>(() => new CompareBlockDigestOperation().RunAsync(Request(dir.Combine("primary"), endpoint, dir.Combine("backup", "copy"), key, repair: true), NullOperationReporter.Instance, stop.Token));
        }
        // The endpoint has finished its session (disposed above), so the copy is stable to inspect.
        CompareBlockDigestTests.AssertEachBlockIsOldOrNew(File.ReadAllBytes(dir.Combine("backup", "copy")), original, changed, 4096);

        await using (var endpoint = new Endpoint(dir.Combine("backup"), key))
        {
            var rerun = await new CompareBlockDigestOperation().RunAsync(Request(dir.Combine("primary"), endpoint, dir.Combine("backup", "copy"), key, repair: true), NullOperationReporter.Instance, CancellationToken.None);
            Assert.True(rerun.Identical);
        }
        Assert.Equal(DigestTestData.Sha256Of(dir.Combine("primary")), DigestTestData.Sha256Of(dir.Combine("backup", "copy")));
    }
}

public class RemoteLoopDeviceTests
{
    [RootLoopFact]
    public async Task TheEndpointRepairsABlockDeviceInPlace()
    {
        using var dir = new TempDirectory("remoteloop");
        const int size = 6 * 1024 * 1024;
        using var loop = LoopDevice.Attach(size);
        var original = DigestTestData.RandomBytes(size, 80);
        await using (var device = new FileStream(loop.Device, FileMode.Open, FileAccess.Write))
            await device.WriteAsync(original);
        var changed = (byte[])original.Clone();
        var blocks = DigestTestData.ChangeScatteredBlocks(changed, 65536, 0.1, 81);
        File.WriteAllBytes(dir.Combine("primary.img"), changed);
        var key = DigestTestData.WriteKey(dir);
        using var server = new DigestServer(new DigestServerOptions { Port = 0, Key = DigestKey.Load(key), Root = loop.Device });
        server.Start();
        using var stop = new CancellationTokenSource();
        var run = server.RunAsync(stop.Token);
        try
        {
            var result = await new CompareBlockDigestOperation().RunAsync(new CompareBlockDigestRequest
            {
                Path = dir.Combine("primary.img"),
                Remote = new DigestEndpoint("127.0.0.1", server.Port),
                RemotePath = loop.Device,
                KeyFile = key,
                Repair = true,
            }, NullOperationReporter.Instance, CancellationToken.None);
            Assert.Equal(blocks.Count, result.BlocksVerified);
            Assert.True(result.Identical);
        }
        finally
        {
            stop.Cancel();
            await run;
        }
        Assert.Equal(DigestTestData.Sha256Of(dir.Combine("primary.img")), DigestTestData.Sha256Of(loop.Device));
    }
}
