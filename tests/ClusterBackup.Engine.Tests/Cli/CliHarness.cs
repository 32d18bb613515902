using ClusterBackup.Cli;

namespace ClusterBackup.Engine.Tests.Cli;

/// <summary>Runs the `clusterbackup` command tree in-process and captures what it prints.</summary>
public static class CliHarness
{
    public static (int ExitCode, string Out, string Error) Run(params string[] args)
    {
        var stdout = new StringWriter();
        var stderr = new StringWriter();
        var code = CliApplication.Run(args, stdout, stderr);
        return (code, stdout.ToString(), stderr.ToString());
    }
}
