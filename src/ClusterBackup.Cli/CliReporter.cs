using ClusterBackup.Engine.Common;

namespace ClusterBackup.Cli;

/// <summary>Engine progress on stderr: a line per step with -v, warnings always.</summary>
internal sealed class CliReporter(TextWriter error, bool verbose) : IOperationReporter
{
    private readonly object _gate = new();
    private readonly Dictionary<string, int> _lastPercent = new();

    public void Progress(string activity, string status, int percentComplete)
    {
        if (!verbose)
            return;
        lock (_gate)
        {
            // Only each new ten percent, so a log stays readable.
            var bucket = percentComplete < 0 ? -1 : percentComplete / 10;
            if (_lastPercent.TryGetValue(activity, out var last) && last == bucket)
                return;
            _lastPercent[activity] = bucket;
            error.WriteLine(percentComplete >= 0 ? $"[{percentComplete,3}%] {activity}: {status}" : $"[    ] {activity}: {status}");
        }
    }

    public void Verbose(string message)
    {
        if (verbose)
            lock (_gate) error.WriteLine($"VERBOSE: {message}");
    }

    public void Warning(string message)
    {
        lock (_gate) error.WriteLine($"WARNING: {message}");
    }
}
