namespace ClusterBackup.Engine.Databases;

/// <summary>
/// An engine that can say, before writing anything, about how many bytes a backup will need on the share,
/// so a share without room is refused up front instead of filling it. Engines that cannot estimate do not
/// implement it; running out of space mid-write is still caught and cleaned up.
/// </summary>
public interface IBackupSizeEstimator
{
    /// <summary>An upper estimate in bytes, or null when the engine cannot tell.</summary>
    Task<long?> EstimateBackupSizeAsync(EngineBackupRequest request, CancellationToken cancellationToken);
}
