using System.Collections;
using System.Management.Automation;
using System.Management.Automation.Language;
using ClusterBackup.Engine.Catalog;

namespace ClusterBackup.PowerShell.Completion;

/// <summary>Completes -Server with the servers of the configuration (of -Cluster when given) and those the catalog has backups of.</summary>
public sealed class ServerCompleter : IArgumentCompleter
{
    /// <summary>The configured and catalogued server names that start with what was typed.</summary>
    public IEnumerable<CompletionResult> CompleteArgument(string commandName, string parameterName, string wordToComplete, CommandAst commandAst, IDictionary fakeBoundParameters)
    {
        var source = new CompletionSource(fakeBoundParameters);
        var cluster = source.Bound("Cluster");
        var configured = CompletionSource.Safely(() => source.Configuration()?.Servers
            .Where(s => cluster is null || string.Equals(s.Cluster, cluster, StringComparison.OrdinalIgnoreCase)).Select(s => s.Name) ?? []);
        var catalogued = CompletionSource.Safely(() => source.Catalog() is { } catalog
            ? new BackupSetCatalog(catalog).GetBackupSets(new BackupSetQuery(null, null, null)).Where(s => cluster is null || string.Equals(s.Cluster, cluster, StringComparison.OrdinalIgnoreCase)).Select(s => s.VirtualServer)
            : []);
        return CompletionSource.Results(configured.Concat(catalogued), wordToComplete);
    }
}
