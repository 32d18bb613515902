using System.Collections;
using System.Management.Automation;
using System.Management.Automation.Language;
using ClusterBackup.Engine.Catalog;

namespace ClusterBackup.PowerShell.Completion;

/// <summary>Completes -Pool (and -MirrorPool) with the tape pools the catalog knows.</summary>
public sealed class PoolCompleter : IArgumentCompleter
{
    /// <summary>The pool names that start with what was typed.</summary>
    public IEnumerable<CompletionResult> CompleteArgument(string commandName, string parameterName, string wordToComplete, CommandAst commandAst, IDictionary fakeBoundParameters)
    {
        var source = new CompletionSource(fakeBoundParameters);
        var pools = CompletionSource.Safely(() => source.Catalog() is { } catalog
            ? new TapeCatalog(catalog).GetPools().Select(p => p.Name).Concat(new TapeCatalog(catalog).GetCartridges().Select(c => c.Pool))
            : []);
        return CompletionSource.Results(pools, wordToComplete);
    }
}
