using System.Buffers.Binary;
using System.Security.Cryptography;
using System.Text;
using ClusterBackup.Engine.Common;

namespace ClusterBackup.Engine.Digest.Remote;

/// <summary>
/// Mutual shared-key authentication and the session request (docs/digest-protocol.md):
/// server nonce -> client nonce + HMAC(key, "client"|Ns|Nc) -> HMAC(key, "server"|Nc|Ns).
/// Each side proves it holds the key without sending it; fresh nonces stop replays.
/// </summary>
internal static class DigestHandshake
{
    public const ushort ProtocolVersion = 1;
    private static ReadOnlySpan<byte> Magic => "CBDP"u8;
    private const int NonceLength = 32;

    public static async Task ServerAsync(DigestChannel channel, DigestKey key, CancellationToken token)
    {
        var serverNonce = RandomNumberGenerator.GetBytes(NonceLength);
        var hello = new byte[4 + 2 + NonceLength];
        Magic.CopyTo(hello);
        BinaryPrimitives.WriteUInt16LittleEndian(hello.AsSpan(4), ProtocolVersion);
        serverNonce.CopyTo(hello, 6);
        await channel.SendAsync(DigestMessage.ServerHello, hello, token).ConfigureAwait(false);
        await channel.FlushAsync(token).ConfigureAwait(false);

        var auth = await channel.ExpectAsync(DigestMessage.ClientAuth, token).ConfigureAwait(false);
        if (auth.Length != NonceLength + 32)
            throw new ClusterBackupException(ErrorKind.InvalidData, channel.PeerName, $"{channel.PeerName} sent a malformed authentication message.");
        var clientNonce = auth[..NonceLength];
        if (!CryptographicOperations.FixedTimeEquals(auth.AsSpan(NonceLength), key.Prove("client", serverNonce, clientNonce)))
        {
            await channel.SendErrorAsync("authentication failed: the client's shared key does not match this endpoint's key.", token).ConfigureAwait(false);
            throw new ClusterBackupException(ErrorKind.PermissionDenied, channel.PeerName, $"{channel.PeerName} failed authentication: its shared key does not match.");
        }
        await channel.SendAsync(DigestMessage.ServerAuth, key.Prove("server", clientNonce, serverNonce), token).ConfigureAwait(false);
        await channel.FlushAsync(token).ConfigureAwait(false);
    }

    public static async Task ClientAsync(DigestChannel channel, DigestKey key, CancellationToken token)
    {
        var hello = await channel.ExpectAsync(DigestMessage.ServerHello, token).ConfigureAwait(false);
        if (hello.Length != 6 + NonceLength || !hello.AsSpan(0, 4).SequenceEqual(Magic))
            throw new ClusterBackupException(ErrorKind.InvalidData, channel.PeerName, $"{channel.PeerName} is not a ClusterBackup digest endpoint.");
        var version = BinaryPrimitives.ReadUInt16LittleEndian(hello.AsSpan(4));
        if (version != ProtocolVersion)
            throw new ClusterBackupException(ErrorKind.InvalidData, channel.PeerName, $"{channel.PeerName} speaks digest protocol version {version}; this version speaks {ProtocolVersion}.");
        var serverNonce = hello[6..];
        var clientNonce = RandomNumberGenerator.GetBytes(NonceLength);
        await channel.SendAsync(DigestMessage.ClientAuth, clientNonce.Concat(key.Prove("client", serverNonce, clientNonce)).ToArray(), token).ConfigureAwait(false);
        await channel.FlushAsync(token).ConfigureAwait(false);
        byte[] proof;
        try
        {
            proof = await channel.ExpectAsync(DigestMessage.ServerAuth, token).ConfigureAwait(false);
        }
        catch (DigestPeerException ex)
        {
            throw new ClusterBackupException(ErrorKind.PermissionDenied, channel.PeerName,
                $"Authentication to {channel.PeerName} failed: the shared key does not match the endpoint's key (wrong -KeyFile?).", ex);
        }
        if (!CryptographicOperations.FixedTimeEquals(proof, key.Prove("server", clientNonce, serverNonce)))
            throw new ClusterBackupException(ErrorKind.PermissionDenied, channel.PeerName, $"{channel.PeerName} could not prove it holds the shared key; not comparing with it.");
    }
}

/// <summary>What the client asks for after authenticating: its role, the parameters, and the path on the server.</summary>
internal sealed record DigestSessionRequest(DigestRole ClientRole, BlockDigestOptions Options, bool Repair, bool WhatIf, string ServerPath)
{
    /// <summary>The longest request: the fixed fields and a path of 65535 bytes.</summary>
    public const int MaxEncodedLength = 13 + ushort.MaxValue;

    public byte[] Encode()
    {
        var path = Encoding.UTF8.GetBytes(ServerPath);
        var payload = new byte[1 + 1 + 4 + 4 + 1 + 2 + path.Length];
        payload[0] = (byte)ClientRole;
        payload[1] = (byte)Options.Algorithm;
        BinaryPrimitives.WriteInt32LittleEndian(payload.AsSpan(2), Options.BlockSize);
        BinaryPrimitives.WriteInt32LittleEndian(payload.AsSpan(6), Options.GroupBlocks);
        payload[10] = (byte)((Repair ? 1 : 0) | (WhatIf ? 2 : 0));
        BinaryPrimitives.WriteUInt16LittleEndian(payload.AsSpan(11), (ushort)path.Length);
        path.CopyTo(payload, 13);
        return payload;
    }

    public static DigestSessionRequest Decode(byte[] payload, string peer)
    {
        if (payload.Length < 13 || payload.Length != 13 + BinaryPrimitives.ReadUInt16LittleEndian(payload.AsSpan(11)))
            throw new ClusterBackupException(ErrorKind.InvalidData, peer, $"{peer} sent a malformed session request.");
        if (payload[0] is not ((byte)DigestRole.Primary or (byte)DigestRole.Backup) || !DigestAlgorithms.IsKnown(payload[1]))
            throw new ClusterBackupException(ErrorKind.InvalidData, peer, $"{peer} asked for an unknown role or digest algorithm.");
        var options = new BlockDigestOptions
        {
            Algorithm = (DigestAlgorithm)payload[1],
            BlockSize = BinaryPrimitives.ReadInt32LittleEndian(payload.AsSpan(2)),
            GroupBlocks = BinaryPrimitives.ReadInt32LittleEndian(payload.AsSpan(6)),
        };
        options.Validate();
        return new DigestSessionRequest((DigestRole)payload[0], options, (payload[10] & 1) != 0, (payload[10] & 2) != 0, Encoding.UTF8.GetString(payload, 13, payload.Length - 13));
    }
}
