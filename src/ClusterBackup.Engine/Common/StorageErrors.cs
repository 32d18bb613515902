namespace ClusterBackup.Engine.Common;

/// <summary>What an I/O error says about the storage it happened on.</summary>
public static class StorageErrors
{
    /// <summary>
    /// True when the error is a full disk or quota: ENOSPC (28) on Linux, ERROR_HANDLE_DISK_FULL (39)
    /// and ERROR_DISK_FULL (112) on Windows, or a message that says so.
    /// </summary>
    public static bool IsDiskFull(IOException ex) =>
        ex.Message.Contains("No space left", StringComparison.OrdinalIgnoreCase) || (ex.HResult & 0xFFFF) is 28 or 39 or 112;
}
