namespace ClusterBackup.Engine.Catalog;

/// <summary>A tape pool: cartridges labelled for one purpose, with one block size.</summary>
public sealed record TapePool(string Name, int BlockSize, DateTimeOffset Created);
