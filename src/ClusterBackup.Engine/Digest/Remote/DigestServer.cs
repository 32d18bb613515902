using System.Net;
using System.Net.Sockets;
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

    /// <summary>Connections served at once; a connection beyond them is refused (told why, then closed) and logged.</summary>
    public int MaxConnections { get; init; } = DefaultMaxConnections;

    /// <summary>How long a peer has, from its connection, to authenticate and send its request.</summary>
    public TimeSpan HandshakeTimeout { get; init; } = TimeSpan.FromSeconds(DefaultHandshakeTimeoutSeconds);

    /// <summary>How long an authenticated peer may take to send one message, or to take what the endpoint sends.
    /// Generous: the primary digests its own copy while the endpoint waits for its group request.</summary>
    public TimeSpan FrameTimeout { get; init; } = TimeSpan.FromSeconds(DefaultFrameTimeoutSeconds);

    public const int DefaultMaxConnections = 16;
    public const int DefaultHandshakeTimeoutSeconds = 10;
    public const int DefaultFrameTimeoutSeconds = 600;
}

/// <summary>
/// `clusterbackup digest serve`: a TCP endpoint on the backup (or primary) system. Each connection
/// authenticates with the shared key, then the client says which role it plays and the endpoint plays
/// the other one on a path under its root. The endpoint computes its own digests; data is never
/// read or written outside the root (<see cref="DigestServedRoot"/>).
/// <para>Before authentication a peer costs little and not for long: at most <see cref="DigestServerOptions.MaxConnections"/>
/// connections at once, messages of at most <see cref="DigestChannel.MaxPreAuthenticationPayload"/> bytes, and
/// <see cref="DigestServerOptions.HandshakeTimeout"/> to finish; afterwards each message must arrive within
/// <see cref="DigestServerOptions.FrameTimeout"/>. Every refusal is logged as a warning naming the peer and the cause.
/// Running out of file descriptors (or another failure to accept) is logged and retried after a pause; serving goes on.</para>
/// <para>Authenticated but not encrypted: run it on a trusted network or inside a tunnel when the
/// blocks are confidential.</para>
/// </summary>
public sealed class DigestServer(DigestServerOptions options, IOperationReporter? reporter = null) : IDisposable
{
    private static readonly TimeSpan FirstAcceptRetry = TimeSpan.FromMilliseconds(50);
    private static readonly TimeSpan LastAcceptRetry = TimeSpan.FromSeconds(1);
    private readonly IOperationReporter _reporter = reporter ?? NullOperationReporter.Instance;
    private readonly DigestServedRoot _root = new(options.Root);
    private TcpListener? _listener;
    private int _open;

    public int Port { get; private set; }

    public IPEndPoint? LocalEndpoint => _listener?.LocalEndpoint as IPEndPoint;

    /// <summary>The results of finished sessions, for logs and tests.</summary>
    public List<BlockDigestComparison> Results { get; } = [];

    public void Start()
    {
        if (options.MaxConnections < 1)
            throw new ClusterBackupException(ErrorKind.InvalidArgument, options.MaxConnections.ToString(System.Globalization.CultureInfo.InvariantCulture),
                $"The digest endpoint must take at least one connection at a time (max connections {options.MaxConnections}).");
        if (options.HandshakeTimeout <= TimeSpan.Zero || options.FrameTimeout <= TimeSpan.Zero)
            throw new ClusterBackupException(ErrorKind.InvalidArgument, "timeout", "The digest endpoint's handshake and frame timeouts must be positive.");
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
        _reporter.Verbose($"Digest endpoint listening on {options.Address}:{Port}, serving '{_root.Path}'{(options.ReadOnly ? " read-only" : "")}, " +
            $"at most {options.MaxConnections} connections, {options.HandshakeTimeout.TotalSeconds:0.###} s to authenticate, {options.FrameTimeout.TotalSeconds:0.###} s per message.");
    }

    public async Task RunAsync(CancellationToken token)
    {
        if (_listener is null)
            Start();
        using var registration = token.Register(() => _listener!.Stop());
        var sessions = new List<Task>();
        var accepted = 0;
        var retry = FirstAcceptRetry;
        try
        {
            while (!token.IsCancellationRequested && (options.MaxSessions == 0 || accepted < options.MaxSessions))
            {
                TcpClient client;
                try
                {
                    client = await _listener!.AcceptTcpClientAsync(token).ConfigureAwait(false);
                    retry = FirstAcceptRetry;
                }
                catch (Exception ex) when (token.IsCancellationRequested && ex is OperationCanceledException or SocketException or ObjectDisposedException)
                {
                    break;
                }
                catch (SocketException ex)
                {
                    // Out of descriptors (EMFILE, ENFILE) or another passing failure: the connection waits in the backlog; serving goes on.
                    _reporter.Warning($"Digest endpoint {options.Address}:{Port}: cannot accept a connection: {ex.Message} ({ex.SocketErrorCode}); still serving, trying again in {retry.TotalMilliseconds:0} ms.");
                    try { await Task.Delay(retry, token).ConfigureAwait(false); }
                    catch (OperationCanceledException) { break; }
                    retry = TimeSpan.FromTicks(Math.Min(retry.Ticks * 2, LastAcceptRetry.Ticks));
                    continue;
                }
                sessions.RemoveAll(t => t.IsCompleted);
                if (Interlocked.Increment(ref _open) > options.MaxConnections)
                {
                    sessions.Add(Task.Run(() => RefuseAsync(client, token), CancellationToken.None));
                    continue;
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

    /// <summary>A connection beyond the limit: told why (best effort, briefly), logged, closed.</summary>
    private async Task RefuseAsync(TcpClient client, CancellationToken token)
    {
        var peer = PeerName(client);
        try
        {
            using (client)
            {
                _reporter.Warning($"Digest endpoint refused {peer}: {options.MaxConnections} connections are open, the most it serves at once.");
                await using var channel = new DigestChannel(client.GetStream(), peer) { FrameTimeout = TimeSpan.FromSeconds(1) };
                await channel.SendErrorAsync($"the endpoint is busy: {options.MaxConnections} connections are open, the most it serves at once; try again later.", token).ConfigureAwait(false);
            }
        }
        catch (Exception ex) when (ex is IOException or SocketException or ObjectDisposedException or InvalidOperationException or ClusterBackupException) { }
        finally
        {
            Interlocked.Decrement(ref _open);
        }
    }

    private async Task HandleAsync(TcpClient client, CancellationToken token)
    {
        var peer = PeerName(client);
        try
        {
            using (client)
                await ServeAsync(client, peer, token).ConfigureAwait(false);
        }
        catch (Exception ex) when (ex is not OutOfMemoryException)
        {
            // A session never takes the endpoint down: whatever ended it is logged, and the next connection is served.
            _reporter.Warning($"{peer}: session failed: {ex.Message}");
        }
        finally
        {
            Interlocked.Decrement(ref _open);
        }
    }

    private async Task ServeAsync(TcpClient client, string peer, CancellationToken token)
    {
        client.NoDelay = true;
        await using var channel = new DigestChannel(client.GetStream(), peer) { MaxIncomingPayload = DigestChannel.MaxPreAuthenticationPayload };
        try
        {
            var request = await HandshakeAsync(channel, peer, token).ConfigureAwait(false);
            channel.MaxIncomingPayload = DigestChannel.MaxPayload;
            channel.FrameTimeout = options.FrameTimeout;
            // Symbolic links are resolved first, so a link under the root cannot reach a file outside it; the open checks the file again.
            var path = _root.Resolve(request.ServerPath, peer);
            if (options.ReadOnly && request.ClientRole == DigestRole.Primary && request.Repair && !request.WhatIf)
                throw new ClusterBackupException(ErrorKind.PermissionDenied, path, $"{peer} asked to repair '{path}': this endpoint is read-only; it does not accept repairs.") { Cause = "EndpointReadOnly" };
            _reporter.Verbose($"{peer}: {(request.ClientRole == DigestRole.Primary ? "primary compares with" : "backup compares with")} '{path}' ({request.Options.Algorithm}, {request.Options.BlockSize}-byte blocks{(request.Repair ? ", repair" : "")}).");
            BlockDigestComparison result;
            if (request.ClientRole == DigestRole.Primary)
            {
                result = await DigestSession.RunBackupAsync(channel, write => _root.Open(path, write, peer, token), request, peer, _reporter, token).ConfigureAwait(false);
            }
            else
            {
                using (var primary = _root.Open(path, write: false, peer, token))
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
            _reporter.Warning($"Digest endpoint refused {peer}: {ex.Message}{(ex.Cause is { } cause ? $" ({cause})" : "")}");
        }
        catch (Exception ex) when (ex is IOException or SocketException or OperationCanceledException or ObjectDisposedException)
        {
            _reporter.Warning($"{peer}: session ended: {ex.Message}");
        }
    }

    /// <summary>Authentication and the request, within the handshake deadline and in small messages only.</summary>
    private async Task<DigestSessionRequest> HandshakeAsync(DigestChannel channel, string peer, CancellationToken token)
    {
        using var deadline = CancellationTokenSource.CreateLinkedTokenSource(token);
        deadline.CancelAfter(options.HandshakeTimeout);
        try
        {
            await DigestHandshake.ServerAsync(channel, options.Key, deadline.Token).ConfigureAwait(false);
            channel.MaxIncomingPayload = DigestSessionRequest.MaxEncodedLength;
            return DigestSessionRequest.Decode(await channel.ExpectAsync(DigestMessage.Request, deadline.Token).ConfigureAwait(false), peer);
        }
        catch (OperationCanceledException ex) when (!token.IsCancellationRequested)
        {
            throw new ClusterBackupException(ErrorKind.ConnectionError, peer,
                $"{peer} did not authenticate and send its request within {options.HandshakeTimeout.TotalSeconds:0.###} s; the connection is closed.", ex) { Cause = "HandshakeTimedOut" };
        }
    }

    private static string PeerName(TcpClient client)
    {
        try { return $"client {client.Client.RemoteEndPoint}"; }
        catch (Exception ex) when (ex is SocketException or ObjectDisposedException) { return "a client that already left"; }
    }

    public void Dispose() => _listener?.Stop();
}
