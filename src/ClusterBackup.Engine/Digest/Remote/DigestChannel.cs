using System.Buffers.Binary;
using System.Text;
using ClusterBackup.Engine.Common;

namespace ClusterBackup.Engine.Digest.Remote;

/// <summary>Message types of the digest protocol (docs/digest-protocol.md). Values are on the wire; never reuse one.</summary>
internal enum DigestMessage : byte
{
    ServerHello = 1,
    ClientAuth = 2,
    ServerAuth = 3,
    Request = 4,
    Error = 5,
    BackupInfo = 6,
    GroupDigests = 7,
    GroupDigestsEnd = 8,
    GroupRequest = 9,
    GroupRequestEnd = 10,
    BlockDigests = 11,
    BlockDigestsEnd = 12,
    BlockData = 13,
    Commit = 14,
    Verified = 15,
    Summary = 16,
    Done = 17,
}

/// <summary>
/// Framed messages over a byte stream: a 1-byte type, a 4-byte little-endian payload length, the payload.
/// Counts the bytes each way. An Error message from the peer becomes a ClusterBackupException naming the peer.
/// A message longer than <see cref="MaxIncomingPayload"/> is refused before anything is allocated for it, and with a
/// <see cref="FrameTimeout"/> each message must arrive, and each flush must drain, within it.
/// </summary>
internal sealed class DigestChannel(Stream stream, string peerName) : IAsyncDisposable
{
    public const int MaxPayload = 64 * 1024 * 1024;
    /// <summary>The largest message an endpoint takes before the peer has authenticated (ClientAuth is 64 bytes).</summary>
    public const int MaxPreAuthenticationPayload = 1024;
    private readonly BufferedStream _writer = new(stream, 256 * 1024);
    private readonly BufferedStream _reader = new(stream, 256 * 1024);
    private readonly byte[] _header = new byte[5];

    public string PeerName { get; } = peerName;
    public long BytesSent { get; private set; }
    public long BytesReceived { get; private set; }

    /// <summary>The largest payload this side accepts now: small until the peer has authenticated.</summary>
    public int MaxIncomingPayload { get; set; } = MaxPayload;

    /// <summary>How long one message may take to arrive, or one flush to drain; null waits as long as the token allows.</summary>
    public TimeSpan? FrameTimeout { get; set; }

    public async Task SendAsync(DigestMessage type, ReadOnlyMemory<byte> payload, CancellationToken token)
    {
        var header = new byte[5];
        header[0] = (byte)type;
        BinaryPrimitives.WriteInt32LittleEndian(header.AsSpan(1), payload.Length);
        using var deadline = Deadline(token);
        try
        {
            await _writer.WriteAsync(header, deadline?.Token ?? token).ConfigureAwait(false);
            if (!payload.IsEmpty)
                await _writer.WriteAsync(payload, deadline?.Token ?? token).ConfigureAwait(false);
        }
        catch (OperationCanceledException ex) when (!token.IsCancellationRequested)
        {
            throw TimedOut("did not take a message", ex);
        }
        BytesSent += 5 + payload.Length;
    }

    public Task SendAsync(DigestMessage type, CancellationToken token) => SendAsync(type, ReadOnlyMemory<byte>.Empty, token);

    public async Task FlushAsync(CancellationToken token)
    {
        using var deadline = Deadline(token);
        try
        {
            await _writer.FlushAsync(deadline?.Token ?? token).ConfigureAwait(false);
        }
        catch (OperationCanceledException ex) when (!token.IsCancellationRequested)
        {
            throw TimedOut("did not take what was sent", ex);
        }
    }

    /// <summary>Sends an error to the peer (best effort) so it can tell its user why the session ended.</summary>
    public async Task SendErrorAsync(string message, CancellationToken token)
    {
        try
        {
            await SendAsync(DigestMessage.Error, Encoding.UTF8.GetBytes(message), token).ConfigureAwait(false);
            await FlushAsync(token).ConfigureAwait(false);
        }
        catch (Exception ex) when (ex is IOException or ObjectDisposedException or OperationCanceledException) { }
    }

    public async Task<(DigestMessage Type, byte[] Payload)> ReceiveAsync(CancellationToken token)
    {
        using var deadline = Deadline(token);
        try
        {
            return await ReceiveWithinAsync(deadline?.Token ?? token).ConfigureAwait(false);
        }
        catch (OperationCanceledException ex) when (!token.IsCancellationRequested)
        {
            throw TimedOut("sent no complete message", ex);
        }
    }

    private CancellationTokenSource? Deadline(CancellationToken token)
    {
        if (FrameTimeout is not { } timeout)
            return null;
        var deadline = CancellationTokenSource.CreateLinkedTokenSource(token);
        deadline.CancelAfter(timeout);
        return deadline;
    }

    private ClusterBackupException TimedOut(string what, Exception inner) =>
        new(ErrorKind.ConnectionError, PeerName, $"{PeerName} {what} within {FrameTimeout!.Value.TotalSeconds:0.###} s; the connection is closed.", inner) { Cause = "PeerTimedOut" };

    private async Task<(DigestMessage Type, byte[] Payload)> ReceiveWithinAsync(CancellationToken token)
    {
        try
        {
            await _reader.ReadExactlyAsync(_header, token).ConfigureAwait(false);
        }
        catch (EndOfStreamException ex)
        {
            throw new ClusterBackupException(ErrorKind.ConnectionError, PeerName, $"{PeerName} closed the connection unexpectedly.", ex);
        }
        var type = (DigestMessage)_header[0];
        var length = BinaryPrimitives.ReadInt32LittleEndian(_header.AsSpan(1));
        if (length < 0 || length > MaxIncomingPayload)
            throw new ClusterBackupException(ErrorKind.InvalidData, PeerName,
                $"{PeerName} sent a message of {length} bytes (at most {MaxIncomingPayload}{(MaxIncomingPayload < MaxPayload ? " before authentication" : "")}); it does not speak this protocol version.") { Cause = "FrameTooLarge" };
        var payload = length == 0 ? [] : new byte[length];
        if (length > 0)
        {
            try
            {
                await _reader.ReadExactlyAsync(payload, token).ConfigureAwait(false);
            }
            catch (EndOfStreamException ex)
            {
                throw new ClusterBackupException(ErrorKind.ConnectionError, PeerName, $"{PeerName} closed the connection in the middle of a message.", ex);
            }
        }
        BytesReceived += 5 + length;
        if (type == DigestMessage.Error)
            throw new DigestPeerException(PeerName, Encoding.UTF8.GetString(payload));
        return (type, payload);
    }

    public async Task<byte[]> ExpectAsync(DigestMessage expected, CancellationToken token)
    {
        var (type, payload) = await ReceiveAsync(token).ConfigureAwait(false);
        if (type != expected)
            throw new ClusterBackupException(ErrorKind.InvalidData, PeerName, $"{PeerName} sent message {type} where {expected} was expected.");
        return payload;
    }

    public async ValueTask DisposeAsync()
    {
        try { await _writer.DisposeAsync().ConfigureAwait(false); }
        catch (IOException) { }
        catch (ObjectDisposedException) { }
    }
}
