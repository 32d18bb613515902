using System.Collections.Concurrent;
using System.Management.Automation;
using ClusterBackup.Engine.Catalog;
using ClusterBackup.Engine.Common;

namespace ClusterBackup.PowerShell;

/// <summary>
/// The base of every ClusterBackup cmdlet. It holds the cross-cutting concerns once:
/// a cancellation token that Ctrl-C (StopProcessing) cancels, engine progress turned into
/// Write-Progress / Write-Verbose / Write-Warning on the pipeline thread, and engine errors
/// turned into ErrorRecords with a category, a stable id and the object at fault.
/// Cmdlets bind parameters, call one engine operation, and write its result objects.
/// </summary>
public abstract class ClusterBackupCmdlet : PSCmdlet
{
    private readonly CancellationTokenSource _stopping = new();
    private int _nextActivityId = 1;
    private readonly Dictionary<string, int> _activityIds = new(StringComparer.Ordinal);

    /// <summary>Cancelled when the user presses Ctrl-C or the pipeline is stopped.</summary>
    protected CancellationToken StopToken => _stopping.Token;

    protected sealed override void StopProcessing()
    {
        _stopping.Cancel();
        base.StopProcessing();
    }

    protected override void EndProcessing()
    {
        base.EndProcessing();
        _stopping.Dispose();
    }

    /// <summary>True when the caller bound <paramref name="parameterName"/> explicitly.</summary>
    protected bool IsBound(string parameterName) => MyInvocation.BoundParameters.ContainsKey(parameterName);

    /// <summary>
    /// Opens the engine as the CLI does (<see cref="EngineSession"/>): the configuration, then the catalog, as the
    /// request asks; warnings reach the user. A cmdlet that opens inside <see cref="RunEngine{T}"/> calls
    /// <see cref="EngineSession.Open"/> there with the same request.
    /// </summary>
    protected EngineSession OpenEngine(EngineSessionRequest request) => RunEngine((_, reporter) => Task.FromResult(EngineSession.Open(request, reporter)));

    /// <summary>
    /// Opens the existing catalog at an explicit path, or the default location. A catalog that does not exist, is
    /// empty or is not a catalog is an error naming the path: nothing is created.
    /// </summary>
    protected CatalogDatabase OpenCatalog(string? path) => OpenEngine(new EngineSessionRequest(path)).Catalog;

    /// <summary>
    /// As <see cref="OpenCatalog"/>, but creates a new catalog when no file exists at the path: for the cmdlets that
    /// record new history (backups, job runs, changed-block backups, new cartridges).
    /// </summary>
    protected CatalogDatabase OpenOrCreateCatalog(string? path) => OpenEngine(new EngineSessionRequest(path, Catalog: CatalogUse.CreateIfMissing)).Catalog;

    /// <summary>
    /// Runs an engine operation on a worker thread while this (pipeline) thread pumps its progress
    /// and messages, because PowerShell accepts Write-* calls only from the pipeline thread.
    /// Engine exceptions propagate; use <see cref="WriteEngineError"/> or <see cref="ThrowEngineError"/>.
    /// </summary>
    protected T RunEngine<T>(Func<CancellationToken, IOperationReporter, Task<T>> operation)
    {
        using var reporter = new PipelineReporter();
        var task = Task.Run(() => operation(StopToken, reporter), StopToken);
        task.ContinueWith(_ => reporter.Complete(), TaskScheduler.Default);
        foreach (var message in reporter.Messages.GetConsumingEnumerable())
            Emit(message);
        return task.GetAwaiter().GetResult();
    }

    protected void RunEngine(Func<CancellationToken, IOperationReporter, Task> operation) =>
        RunEngine<object?>(async (token, reporter) => { await operation(token, reporter).ConfigureAwait(false); return null; });

    /// <summary>
    /// Writes a non-terminating error for one pipeline item; the caller goes on with the next. The record's target
    /// is the object the engine names at fault, else <paramref name="target"/>; its id is the engine's cause.
    /// </summary>
    protected void WriteEngineError(Exception exception, object? target = null) => WriteError(ToErrorRecord(exception, target));

    /// <summary>A terminating error: only for bad parameters and unusable configuration, never for one item's failure.</summary>
    protected void ThrowEngineError(Exception exception, object? target = null) => ThrowTerminatingError(ToErrorRecord(exception, target));

    public static ErrorRecord ToErrorRecord(Exception exception, object? target)
    {
        if (exception is AggregateException { InnerExceptions.Count: 1 } aggregate)
            exception = aggregate.InnerException!;
        return exception switch
        {
            ClusterBackupException cb => new ErrorRecord(cb, cb.ErrorId, ToCategory(cb.Kind), string.IsNullOrEmpty(cb.Target) ? target : cb.Target),
            OperationCanceledException => new ErrorRecord(exception, "OperationStopped", ErrorCategory.OperationStopped, target),
            UnauthorizedAccessException => new ErrorRecord(exception, "PermissionDenied", ErrorCategory.PermissionDenied, target),
            IOException => new ErrorRecord(exception, "IOError", ErrorCategory.WriteError, target),
            ArgumentException => new ErrorRecord(exception, "InvalidArgument", ErrorCategory.InvalidArgument, target),
            _ => new ErrorRecord(exception, exception.GetType().Name, ErrorCategory.NotSpecified, target),
        };
    }

    public static ErrorCategory ToCategory(ErrorKind kind) => kind switch
    {
        ErrorKind.InvalidArgument => ErrorCategory.InvalidArgument,
        ErrorKind.ObjectNotFound => ErrorCategory.ObjectNotFound,
        ErrorKind.ResourceUnavailable => ErrorCategory.ResourceUnavailable,
        ErrorKind.ConnectionError => ErrorCategory.ConnectionError,
        ErrorKind.InvalidData => ErrorCategory.InvalidData,
        ErrorKind.InvalidConfiguration => ErrorCategory.InvalidData,
        ErrorKind.InvalidOperation => ErrorCategory.InvalidOperation,
        ErrorKind.PermissionDenied => ErrorCategory.PermissionDenied,
        ErrorKind.ResourceBusy => ErrorCategory.ResourceBusy,
        ErrorKind.WriteError => ErrorCategory.WriteError,
        ErrorKind.ReadError => ErrorCategory.ReadError,
        ErrorKind.NotImplemented => ErrorCategory.NotImplemented,
        ErrorKind.OperationStopped => ErrorCategory.OperationStopped,
        _ => ErrorCategory.NotSpecified,
    };

    private void Emit(ReporterMessage message)
    {
        switch (message.Kind)
        {
            case ReporterMessageKind.Progress:
                WriteProgress(new ProgressRecord(ActivityId(message.Activity!), message.Activity, string.IsNullOrEmpty(message.Text) ? " " : message.Text)
                {
                    PercentComplete = Math.Clamp(message.Percent, -1, 100),
                });
                break;
            case ReporterMessageKind.Completed:
                WriteProgress(new ProgressRecord(ActivityId(message.Activity!), message.Activity, "Completed") { RecordType = ProgressRecordType.Completed });
                break;
            case ReporterMessageKind.Verbose:
                WriteVerbose(message.Text);
                break;
            case ReporterMessageKind.Warning:
                WriteWarning(message.Text);
                break;
        }
    }

    private int ActivityId(string activity)
    {
        if (!_activityIds.TryGetValue(activity, out var id))
            _activityIds[activity] = id = _nextActivityId++;
        return id;
    }

    private enum ReporterMessageKind { Progress, Completed, Verbose, Warning }

    private sealed record ReporterMessage(ReporterMessageKind Kind, string? Activity, string? Text, int Percent);

    private sealed class PipelineReporter : IOperationReporter, IDisposable
    {
        public BlockingCollection<ReporterMessage> Messages { get; } = new();

        public void Progress(string activity, string status, int percentComplete) => Add(new(ReporterMessageKind.Progress, activity, status, percentComplete));
        public void Completed(string activity) => Add(new(ReporterMessageKind.Completed, activity, null, 100));
        public void Verbose(string message) => Add(new(ReporterMessageKind.Verbose, null, message, 0));
        public void Warning(string message) => Add(new(ReporterMessageKind.Warning, null, message, 0));
        public void Complete() => Messages.CompleteAdding();
        public void Dispose() => Messages.Dispose();

        private void Add(ReporterMessage message)
        {
            // A message arriving after the operation ended (a late callback) is dropped, not thrown.
            try { Messages.Add(message); }
            catch (InvalidOperationException) { }
        }
    }
}
