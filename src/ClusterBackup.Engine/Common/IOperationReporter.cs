namespace ClusterBackup.Engine.Common;

/// <summary>
/// How an engine operation tells its caller what it is doing. The cmdlet base turns these
/// into Write-Progress, Write-Verbose and Write-Warning; the CLI writes them to stderr.
/// Implementations must accept calls from any thread.
/// </summary>
public interface IOperationReporter
{
    /// <param name="activity">What is being done, e.g. "Backing up SALES on SQLVS1".</param>
    /// <param name="status">Where it stands, e.g. "40 percent processed".</param>
    /// <param name="percentComplete">0-100, or -1 when unknown.</param>
    void Progress(string activity, string status, int percentComplete);

    void Verbose(string message);

    void Warning(string message);

    /// <summary>Marks an activity finished so a progress bar disappears.</summary>
    void Completed(string activity) { }
}
