using System.Diagnostics;

namespace ClusterBackup.Engine.Scheduling.Export;

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
        var info = new ProcessStartInfo(file)
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            RedirectStandardInput = input is not null,
            UseShellExecute = false,
        };
        foreach (var argument in arguments)
            info.ArgumentList.Add(argument);
        try
        {
            using var process = Process.Start(info)!;
            if (input is not null)
            {
                process.StandardInput.Write(input);
                process.StandardInput.Close();
            }
            var error = process.StandardError.ReadToEndAsync();
            var output = process.StandardOutput.ReadToEnd();
            process.WaitForExit();
            return new CommandResult(process.ExitCode, output, error.GetAwaiter().GetResult());
        }
        catch (System.ComponentModel.Win32Exception ex)
        {
            throw new ClusterBackupException(ErrorKind.ResourceUnavailable, file, $"Cannot run '{file}': {ex.Message}", ex);
        }
    }
}
