namespace ClusterBackup.Engine.Catalog;

/// <summary>
/// A backup share with its identity: the id its share marker holds (docs/share-layout.md) and when the marker was
/// written. The catalog records it, so a backup, verify, restore or tape backup can tell the share from the empty
/// mount-point folder left when its filesystem is not mounted.
/// </summary>
public sealed record BackupShare(string Path, Guid ShareId, DateTimeOffset Created)
{
    /// <summary>True when this run wrote the marker; false when the share already had it.</summary>
    public bool Initialized { get; init; }
}
