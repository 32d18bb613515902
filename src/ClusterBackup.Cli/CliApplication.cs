using System.CommandLine;

namespace ClusterBackup.Cli;

/// <summary>
/// Builds the `clusterbackup` command tree from every <see cref="ICliCommandGroup"/> in this assembly,
/// so each capability adds its commands in its own file without touching a central list.
/// </summary>
public static class CliApplication
{
    public static int Run(string[] args, TextWriter? stdout = null, TextWriter? stderr = null)
    {
        var context = new CliContext(stdout ?? Console.Out, stderr ?? Console.Error);
        var root = BuildRoot(context);
        var parse = root.Parse(args);
        // System.CommandLine's own termination handling gives up on the action after a timeout and exits while it may still be
        // cleaning up; CliStopSignal waits for the operation to finish its clean-up instead.
        var configuration = new InvocationConfiguration { Output = context.Out, Error = context.Error, ProcessTerminationTimeout = null };
        if (parse.Errors.Count > 0)
            return ReportUsageErrors(parse, context);
        using var stop = new CliStopSignal();
        try
        {
            var exitCode = parse.InvokeAsync(configuration, stop.Token).GetAwaiter().GetResult();
            return stop.ExitCode ?? exitCode;
        }
        catch (Exception ex)
        {
            var exitCode = context.Fail(ex);
            return stop.ExitCode ?? exitCode;
        }
    }

    /// <summary>Bad command lines are bad input: exit code 2, as for every other bad input (README).</summary>
    private static int ReportUsageErrors(ParseResult parse, CliContext context)
    {
        foreach (var error in parse.Errors)
            context.Error.WriteLine($"clusterbackup: error: {error.Message}");
        context.Error.WriteLine("Run 'clusterbackup --help' for the commands and their options.");
        return 2;
    }

    public static RootCommand BuildRoot(CliContext context)
    {
        var root = new RootCommand("ClusterBackup: clustered database -> backup share -> tape, on a schedule that never overlaps.");
        root.Options.Add(CliContext.CatalogOption);
        root.Options.Add(CliContext.OutputOption);
        root.Options.Add(CliContext.VerboseOption);
        var groups = typeof(CliApplication).Assembly.GetTypes()
            .Where(t => typeof(ICliCommandGroup).IsAssignableFrom(t) && t is { IsAbstract: false, IsInterface: false })
            .Select(t => (ICliCommandGroup)Activator.CreateInstance(t)!)
            .OrderBy(g => g.GetType().Name, StringComparer.Ordinal);
        foreach (var group in groups)
            foreach (var command in group.Build(context))
                root.Subcommands.Add(command);
        return root;
    }
}
