namespace ClusterBackup.Engine.Common;

/// <summary>
/// What kind of failure an engine error is. Front ends map it to their own vocabulary
/// (a PowerShell ErrorCategory, a CLI exit code) so the engine never references PowerShell.
/// </summary>
public enum ErrorKind
{
    InvalidArgument,
    ObjectNotFound,
    ResourceUnavailable,
    ConnectionError,
    InvalidData,
    InvalidOperation,
    PermissionDenied,
    ResourceBusy,
    WriteError,
    ReadError,
    NotImplemented,
    OperationStopped,
    /// <summary>A file the admin writes (configuration, schedule, media-agent configuration, topology) is not usable:
    /// bad input, like a bad argument (CLI exit code 2), reported against the file and the field.</summary>
    InvalidConfiguration,
}

/// <summary>
/// An engine error that names the object at fault and the cause. Messages never carry
/// credentials: callers pass names, paths and ids, not connection strings.
/// </summary>
public class ClusterBackupException : Exception
{
    public ClusterBackupException(ErrorKind kind, string target, string message, Exception? inner = null)
        : base(message, inner)
    {
        Kind = kind;
        Target = target;
    }

    public ErrorKind Kind { get; }

    /// <summary>The object the error is about: a database, a node, a path, a tape volume.</summary>
    public string Target { get; }

    /// <summary>
    /// The cause in one stable word (CatalogNotFound, ServerNotFound, DatabaseNotFound, ShareUnreachable,
    /// LogBackupWithoutFull, ...), when the thrower names one. It becomes the error's <see cref="ErrorId"/>.
    /// </summary>
    public string? Cause { get; init; }

    /// <summary>
    /// A stable identifier for the error, used as the PowerShell FullyQualifiedErrorId: the <see cref="Cause"/>
    /// when there is one, else the exception type for a subclass, else the kind.
    /// </summary>
    public string ErrorId => Cause ?? (GetType().Name == nameof(ClusterBackupException) ? Kind.ToString() : GetType().Name);
}
