using System.Collections;
using System.Management.Automation;
using System.Management.Automation.Language;
using ClusterBackup.Engine.Schedule;

namespace ClusterBackup.PowerShell.Completion;

/// <summary>Completes -Job with the job names of the schedule file of -Schedule (or -Path).</summary>
public sealed class JobCompleter : IArgumentCompleter
{
    /// <summary>The job names that start with what was typed.</summary>
    public IEnumerable<CompletionResult> CompleteArgument(string commandName, string parameterName, string wordToComplete, CommandAst commandAst, IDictionary fakeBoundParameters)
    {
        var source = new CompletionSource(fakeBoundParameters);
        var jobs = CompletionSource.Safely(() => source.BoundPath("Schedule", "Path", "SchedulePath", "FullName") is { } path
            ? ScheduleFile.Read(path).Jobs.Select(j => j.Name)
            : []);
        return CompletionSource.Results(jobs, wordToComplete);
    }
}
