using System.Collections;
using System.Management.Automation;
using System.Management.Automation.Language;
using ClusterBackup.Engine.Catalog;

namespace ClusterBackup.PowerShell.Completion;

/// <summary>Completes -Cluster with the clusters of the configuration and those the catalog has backups from.</summary>
public sealed class ClusterCompleter : IArgumentCompleter
{
    /// <summary>The configured and catalogued cluster names that start with what was typed.</summary>
    public IEnumerable<CompletionResult> CompleteArgument(string commandName, string parameterName, string wordToComplete, CommandAst commandAst, IDictionary fakeBoundParameters)
    {
        var source = new CompletionSource(fakeBoundParameters);
        var configured = CompletionSource.Safely(() => source.Configuration()?.Clusters.Select(c => c.Name) ?? []);
        var catalogued = CompletionSource.Safely(() => source.Catalog() is { } catalog
            ? new BackupSetCatalog(catalog).GetBackupSets(new BackupSetQuery(null, null, null)).Select(s => s.Cluster)
            : []);
        return CompletionSource.Results(configured.Concat(catalogued), wordToComplete);
    }
}
