namespace ClusterBackup.Engine.Catalog;

/// <summary>Everything one tape session wrote, recorded in one transaction.</summary>
public sealed record TapeSessionRecord(Guid SessionId, string Job, DateTimeOffset Started, DateTimeOffset Finished, bool Completed,
    IReadOnlyList<TapeStream> Streams, IReadOnlyList<TapeObject> Objects, IReadOnlyList<TapeObjectCopy> Copies);
