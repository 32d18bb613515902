using ClusterBackup.Engine.Common;

namespace ClusterBackup.Engine.Tape.Drives;

/// <summary>The drive refused a write because the medium is full (past early warning, at its physical end).</summary>
public sealed class TapeEndOfMediumException(string barcode, string message) : ClusterBackupException(ErrorKind.WriteError, barcode, message);
