using System.Collections;
using System.Management.Automation;
using System.Management.Automation.Language;
using ClusterBackup.Engine.Catalog;

namespace ClusterBackup.PowerShell.Completion;

/// <summary>Completes -Database with the databases the catalog has backups of, on the -Server given (any server otherwise).</summary>
public sealed class DatabaseCompleter : IArgumentCompleter
{
    /// <summary>The catalogued database names that start with what was typed.</summary>
    public IEnumerable<CompletionResult> CompleteArgument(string commandName, string parameterName, string wordToComplete, CommandAst commandAst, IDictionary fakeBoundParameters)
    {
        var source = new CompletionSource(fakeBoundParameters);
        var server = source.Bound("Server", "VirtualServer", "SqlInstance");
        var names = CompletionSource.Safely(() => source.Catalog() is { } catalog
            ? new BackupSetCatalog(catalog).GetBackupSets(new BackupSetQuery(server, null, null)).Select(s => s.Database)
            : []);
        return CompletionSource.Results(names, wordToComplete);
    }
}
