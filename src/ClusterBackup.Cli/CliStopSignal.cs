using System.Runtime.InteropServices;

namespace ClusterBackup.Cli;

/// <summary>
/// SIGINT (Ctrl-C) and SIGTERM for the CLI: the first one cancels the running operation's token and lets it clean up (a backup
/// removes its temporary folder and ends pg_basebackup) before the process exits with <see cref="ExitCode"/>, 128 + the signal
/// as shells report it (130 for SIGINT, 143 for SIGTERM). A second signal ends the process at once.
/// </summary>
public sealed class CliStopSignal : IDisposable
{
    public const int ExitInterrupted = 130, ExitTerminated = 143;

    private readonly CancellationTokenSource _stopping = new();
    private readonly List<PosixSignalRegistration> _registrations = [];
    private int _received;

    public CliStopSignal()
    {
        foreach (var signal in new[] { PosixSignal.SIGINT, PosixSignal.SIGTERM })
        {
            try { _registrations.Add(PosixSignalRegistration.Create(signal, OnSignal)); }
            catch (PlatformNotSupportedException) { }
        }
    }

    /// <summary>Cancelled by the first signal.</summary>
    public CancellationToken Token => _stopping.Token;

    /// <summary>The exit code for the signal that stopped the run, or null when none arrived.</summary>
    public int? ExitCode { get; private set; }

    private void OnSignal(PosixSignalContext context)
    {
        if (Interlocked.Increment(ref _received) > 1)
            return;
        // Keep the process alive until the operation has cleaned up; the default (ending it now) is left to a second signal.
        context.Cancel = true;
        ExitCode = context.Signal == PosixSignal.SIGTERM ? ExitTerminated : ExitInterrupted;
        _stopping.Cancel();
    }

    public void Dispose()
    {
        foreach (var registration in _registrations)
            registration.Dispose();
        _stopping.Dispose();
    }
}
