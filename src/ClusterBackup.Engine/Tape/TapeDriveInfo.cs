namespace ClusterBackup.Engine.Tape;

/// <summary>A drive of the library and its state.</summary>
public sealed record TapeDriveInfo(string Name, string Library, string? Barcode, string Kind);
