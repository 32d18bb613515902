using System.Net.Sockets;
using ClusterBackup.Engine.Common;

namespace ClusterBackup.Engine.Digest.Remote;

/// <summary>Connects to a `clusterbackup digest serve` endpoint, authenticates, and plays this side's role.</summary>
internal static class DigestClient
{
    public static async Task<BlockDigestComparison> CompareAsync(CompareBlockDigestRequest request, IOperationReporter reporter, CancellationToken token)
    {
        var endpoint = request.Remote!;
        if (string.IsNullOrWhiteSpace(request.RemotePath))
            throw new ClusterBackupException(ErrorKind.InvalidArgument, endpoint.ToString(), "A remote comparison needs the path on the remote system (-RemotePath / --remote-path).");
        if (string.IsNullOrWhiteSpace(request.KeyFile))
            throw new ClusterBackupException(ErrorKind.InvalidArgument, endpoint.ToString(), "A remote comparison needs the shared key file (-KeyFile / --key-file).");
        var key = DigestKey.Load(request.KeyFile);
        var session = new DigestSessionRequest(request.LocalRole, request.Options, request.Repair, request.WhatIf, request.RemotePath);
        var peer = $"digest endpoint {endpoint}";

        // Open the local side first, so a missing local path fails before anything is asked of the remote.
        using var primary = request.LocalRole == DigestRole.Primary ? BlockStorage.OpenRead(request.Path) : null;
        using var client = new TcpClient { NoDelay = true };
        try
        {
            await client.ConnectAsync(endpoint.Host, endpoint.Port, token).ConfigureAwait(false);
        }
        catch (SocketException ex)
        {
            throw new ClusterBackupException(ErrorKind.ConnectionError, endpoint.ToString(), $"Cannot connect to the {peer}: {ex.Message}. Is `clusterbackup digest serve` running there?", ex);
        }
        await using var channel = new DigestChannel(client.GetStream(), peer);
        using var registration = token.Register(() => client.Dispose());
        try
        {
            await DigestHandshake.ClientAsync(channel, key, token).ConfigureAwait(false);
            await channel.SendAsync(DigestMessage.Request, session.Encode(), token).ConfigureAwait(false);
            await channel.FlushAsync(token).ConfigureAwait(false);
            var remoteName = $"{endpoint}:{request.RemotePath}";
            var result = request.LocalRole == DigestRole.Primary
                ? await DigestSession.RunPrimaryAsync(channel, primary!, session, remoteName, backupStartedIt: false, reporter, token).ConfigureAwait(false)
                : await DigestSession.RunBackupAsync(channel, request.Path, session, remoteName, reporter, token).ConfigureAwait(false);
            result.Mode = "Remote";
            result.InitiatedBy = request.LocalRole.ToString();
            return result;
        }
        catch (Exception ex) when (ex is IOException or ObjectDisposedException or SocketException)
        {
            token.ThrowIfCancellationRequested();
            throw new ClusterBackupException(ErrorKind.ConnectionError, endpoint.ToString(), $"The connection to the {peer} failed: {ex.Message}", ex);
        }
    }
}
