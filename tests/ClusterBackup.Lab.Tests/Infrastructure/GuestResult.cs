namespace ClusterBackup.Lab.Tests.Infrastructure;

/// <summary>How a command in the guest ended and what it printed.</summary>
public sealed record GuestResult(int ExitCode, string Output, string Error, TimeSpan Duration)
{
    public bool Succeeded => ExitCode == 0;
}
