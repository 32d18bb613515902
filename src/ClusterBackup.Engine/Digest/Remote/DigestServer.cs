using System.Net;
using System.Net.Sockets;
using System.Runtime.InteropServices;
using ClusterBackup.Engine.Common;

namespace ClusterBackup.Engine.Digest.Remote;

/// <summary>Settings of a digest endpoint.</summary>
public sealed record DigestServerOptions
{
    /// <summary>Loopback unless the operator names another address: the endpoint is not exposed by accident.</summary>
    public IPAddress Address { get; init; } = IPAddress.Loopback;

    /// <summary>TCP port; 0 picks a free one (tests).</summary>
    public int Port { get; init; } = DigestEndpoint.DefaultPort;

    public required DigestKey Key { get; init; }

    /// <summary>The file, device or folder this endpoint serves; requests for paths outside it are refused.</summary>
    public required string Root { get; init; }

    /// <summary>Refuse repairs: the endpoint only digests.</summary>
    public bool ReadOnly { get; init; }

    /// <summary>Stop after this many sessions (0: serve until stopped).</summary>
    public int MaxSessions { get; init; }
}

/// <summary>
/// `clusterbackup digest serve`: a TCP endpoint on the backup (or primary) system. Each connection
/// authenticates with the shared key, then the client says which role it plays and the endpoint plays
/// the other one on a path under its root. The endpoint computes its own digests; data is never
/// read or written outside the root.
/// <para>Authenticated but not encrypted: run it on a trusted network or inside a tunnel when the
/// blocks are confidential.</para>
/// </summary>
public sealed class DigestServer(DigestServerOptions options, IOperationReporter? reporter = null) : IDisposable
{
    private readonly IOperationReporter _reporter = reporter ?? NullOperationReporter.Instance;
    private readonly string _root = RealPath(options.Root).TrimEnd(Path.DirectorySeparatorChar) is { Length: > 0 } r ? r : "/";
    private TcpListener? _listener;

    public int Port { get; private set; }

    public IPEndPoint? LocalEndpoint => _listener?.LocalEndpoint as IPEndPoint;

    /// <summary>The results of finished sessions, for logs and tests.</summary>
    public List<BlockDigestComparison> Results { get; } = [];

    public void Start()
    {
        _listener = new TcpListener(options.Address, options.Port);
        try
        {
            _listener.Start();
        }
        catch (SocketException ex)
        {
            throw new ClusterBackupException(ErrorKind.ResourceUnavailable, $"{options.Address}:{options.Port}", $"Cannot listen on {options.Address}:{options.Port}: {ex.Message}", ex);
        }
        Port = ((IPEndPoint)_listener.LocalEndpoint).Port;
        _reporter.Verbose($"Digest endpoint listening on {options.Address}:{Port}, serving '{_root}'{(options.ReadOnly ? " read-only" : "")}.");
    }

    public async Task RunAsync(CancellationToken token)
    {
        if (_listener is null)
            Start();
        using var registration = token.Register(() => _listener!.Stop());
        var sessions = new List<Task>();
        var accepted = 0;
        try
        {
            while (!token.IsCancellationRequested && (options.MaxSessions == 0 || accepted < options.MaxSessions))
            {
                TcpClient client;
                try
                {
                    client = await _listener!.AcceptTcpClientAsync(token).ConfigureAwait(false);
                }
                catch (Exception ex) when (ex is OperationCanceledException or SocketException or ObjectDisposedException)
                {
                    break;
                }
                accepted++;
                sessions.Add(Task.Run(() => HandleAsync(client, token), CancellationToken.None));
            }
        }
        finally
        {
            await Task.WhenAll(sessions).ConfigureAwait(false);
            _listener!.Stop();
        }
    }

    private async Task HandleAsync(TcpClient client, CancellationToken token)
    {
        var peer = $"client {client.Client.RemoteEndPoint}";
        using (client)
        {
            client.NoDelay = true;
            await using var channel = new DigestChannel(client.GetStream(), peer);
            try
            {
                await DigestHandshake.ServerAsync(channel, options.Key, token).ConfigureAwait(false);
                var request = DigestSessionRequest.Decode(await channel.ExpectAsync(DigestMessage.Request, token).ConfigureAwait(false), peer);
                // Symbolic links are resolved first, so a link under the root cannot reach a file outside it.
                var path = RealPath(request.ServerPath);
                if (!IsServed(path))
                {
                    await channel.SendErrorAsync($"the path '{path}' is not served by this endpoint (it serves '{_root}').", token).ConfigureAwait(false);
                    throw new ClusterBackupException(ErrorKind.PermissionDenied, path, $"{peer} asked for '{path}', outside the served root '{_root}'.");
                }
                if (options.ReadOnly && request.ClientRole == DigestRole.Primary && request.Repair && !request.WhatIf)
                {
                    await channel.SendErrorAsync("this endpoint is read-only; it does not accept repairs.", token).ConfigureAwait(false);
                    throw new ClusterBackupException(ErrorKind.PermissionDenied, path, $"{peer} asked to repair '{path}' on a read-only endpoint.");
                }
                _reporter.Verbose($"{peer}: {(request.ClientRole == DigestRole.Primary ? "primary compares with" : "backup compares with")} '{path}' ({request.Options.Algorithm}, {request.Options.BlockSize}-byte blocks{(request.Repair ? ", repair" : "")}).");
                BlockDigestComparison result;
                if (request.ClientRole == DigestRole.Primary)
                {
                    result = await DigestSession.RunBackupAsync(channel, path, request, peer, _reporter, token).ConfigureAwait(false);
                }
                else
                {
                    BlockStorage primary;
                    try { primary = BlockStorage.OpenRead(path); }
                    catch (ClusterBackupException ex)
                    {
                        await channel.SendErrorAsync(ex.Message, token).ConfigureAwait(false);
                        throw;
                    }
                    using (primary)
                        result = await DigestSession.RunPrimaryAsync(channel, primary, request, peer, backupStartedIt: true, _reporter, token).ConfigureAwait(false);
                    result.InitiatedBy = DigestRole.Backup.ToString();
                    result.Mode = "Remote";
                }
                lock (Results)
                    Results.Add(result);
                _reporter.Verbose($"{peer}: {result.DifferingBlocks} of {result.BlocksCompared} blocks differ{(result.Repaired ? $", {result.BlocksWritten} repaired" : "")}.");
            }
            catch (DigestPeerException ex)
            {
                _reporter.Warning(ex.Message);
            }
            catch (ClusterBackupException ex)
            {
                await channel.SendErrorAsync(ex.Message, token).ConfigureAwait(false);
                _reporter.Warning(ex.Message);
            }
            catch (Exception ex) when (ex is IOException or SocketException or OperationCanceledException or ObjectDisposedException)
            {
                _reporter.Warning($"{peer}: session ended: {ex.Message}");
            }
        }
    }

    private bool IsServed(string path) =>
        path == _root || path.StartsWith(_root == "/" ? "/" : _root + Path.DirectorySeparatorChar, StringComparison.Ordinal);

    public void Dispose() => _listener?.Stop();

    /// <summary>The canonical path with every symbolic link resolved (Linux); the full path elsewhere or when it does not exist.</summary>
    private static string RealPath(string path)
    {
        var full = Path.GetFullPath(path);
        if (!OperatingSystem.IsLinux())
            return full;
        var resolved = realpath(full, IntPtr.Zero);
        if (resolved == IntPtr.Zero)
            return full;
        try { return Marshal.PtrToStringUTF8(resolved) ?? full; }
        finally { free(resolved); }
    }

    [DllImport("libc", SetLastError = true)]
    private static extern IntPtr realpath([MarshalAs(UnmanagedType.LPUTF8Str)] string path, IntPtr resolved);

    [DllImport("libc")]
    private static extern void free(IntPtr pointer);
}
