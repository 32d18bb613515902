using ClusterBackup.Engine.Common;

namespace ClusterBackup.Engine.Schedule.Export;

public sealed record CommandResult(int ExitCode, string Output, string Error);

/// <summary>The scheduler tools registering calls (systemctl, crontab, schtasks), behind an interface so tests record them.</summary>
public interface ISystemCommands
{
    bool IsWindows { get; }

    /// <summary>True when systemd is the service manager here (/run/systemd/system exists), so units can be enabled.</summary>
    bool SystemdRunning { get; }

    CommandResult Run(string file, IReadOnlyList<string> arguments, string? input = null);
}

public sealed class SystemCommands : ISystemCommands
{
    public static readonly SystemCommands Instance = new();

    public bool IsWindows => OperatingSystem.IsWindows();

    public bool SystemdRunning => Directory.Exists("/run/systemd/system");

    public CommandResult Run(string file, IReadOnlyList<string> arguments, string? input = null)
    {
        var result = ExternalProcess.RunAsync(new ExternalCommand(file, arguments, file, Input: input)).GetAwaiter().GetResult();
        return new CommandResult(result.ExitCode, result.StandardOutput, result.StandardError);
    }
}
