using ClusterBackup.Engine.Common;

namespace ClusterBackup.Engine.Digest.Remote;

/// <summary>The other side reported an error; its text is passed on as it came.</summary>
public sealed class DigestPeerException(string peer, string message)
    : ClusterBackupException(message.StartsWith("authentication", StringComparison.OrdinalIgnoreCase) ? ErrorKind.PermissionDenied : ErrorKind.InvalidOperation,
        peer, $"{peer} reported: {message}");
