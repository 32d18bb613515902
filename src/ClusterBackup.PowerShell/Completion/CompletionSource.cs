using System.Collections;
using System.Management.Automation;
using System.Management.Automation.Runspaces;
using ClusterBackup.Engine.Catalog;
using ClusterBackup.Engine.Common;
using ClusterBackup.Engine.Configuration;

namespace ClusterBackup.PowerShell.Completion;

/// <summary>
/// What the argument completers share: the paths the command line already names (-CatalogPath,
/// -ConfigurationPath, -LibraryPath, -Schedule), resolved like the cmdlets resolve them, and the catalog and
/// configuration they point at, opened without ever creating anything. Any failure means "no suggestions":
/// tab completion never writes an error.
/// </summary>
internal sealed class CompletionSource(IDictionary fakeBoundParameters)
{
    /// <summary>The value bound to the first of <paramref name="names"/> (a parameter or one of its aliases), if any.</summary>
    public string? Bound(params string[] names)
    {
        foreach (var name in names)
        {
            foreach (DictionaryEntry entry in fakeBoundParameters)
            {
                if (entry.Key is string key && string.Equals(key, name, StringComparison.OrdinalIgnoreCase))
                {
                    var value = entry.Value is PSObject wrapped ? wrapped.BaseObject : entry.Value;
                    return value switch { string s => s, object[] { Length: > 0 } array => array[0]?.ToString(), _ => value?.ToString() };
                }
            }
        }
        return null;
    }

    /// <summary>A path from the command line, resolved against the current PowerShell location when there is one.</summary>
    public string? BoundPath(params string[] names)
    {
        var path = Bound(names);
        if (string.IsNullOrWhiteSpace(path))
            return null;
        try
        {
            // A completer gets no session state; a nested pipeline in the current runspace sees its location.
            using var shell = System.Management.Automation.PowerShell.Create(RunspaceMode.CurrentRunspace);
            shell.AddScript("param($p) $ExecutionContext.SessionState.Path.GetUnresolvedProviderPathFromPSPath($p)").AddArgument(path);
            if (shell.Invoke().FirstOrDefault()?.BaseObject is string resolved)
                return resolved;
        }
        catch (Exception ex) when (ex is not OutOfMemoryException)
        {
            // Fall through to the process's view of the path.
        }
        return System.IO.Path.GetFullPath(path);
    }

    /// <summary>The existing catalog of -CatalogPath (or the default); null when there is none. Never creates one.</summary>
    public CatalogDatabase? Catalog() => Engine()?.Catalog;

    /// <summary>An engine session on the existing catalog of -CatalogPath (or the default); null when there is none. Never creates one.</summary>
    public EngineSession? Engine()
    {
        try { return EngineSession.Open(new EngineSessionRequest(BoundPath("CatalogPath")), NullOperationReporter.Instance); }
        catch (Exception ex) when (ex is not OutOfMemoryException) { return null; }
    }

    /// <summary>The configuration of -ConfigurationPath (or the default next to the catalog); null when it cannot be read.</summary>
    public ClusterBackupConfiguration? Configuration()
    {
        try
        {
            return EngineSession.Open(new EngineSessionRequest(BoundPath("CatalogPath"), BoundPath("ConfigurationPath"), CatalogUse.None, ConfigurationUse.Required),
                NullOperationReporter.Instance).Configuration;
        }
        catch (Exception ex) when (ex is not OutOfMemoryException) { return null; }
    }

    /// <summary>Runs <paramref name="source"/>, treating any failure as no values.</summary>
    public static IEnumerable<string> Safely(Func<IEnumerable<string?>> source)
    {
        try { return source().Where(v => !string.IsNullOrEmpty(v)).Select(v => v!).ToList(); }
        catch (Exception ex) when (ex is not OutOfMemoryException) { return []; }
    }

    /// <summary>The values that start with what was typed (ignoring case and quotes), each once, sorted, quoted when needed.</summary>
    public static IEnumerable<CompletionResult> Results(IEnumerable<string> values, string? wordToComplete)
    {
        var typed = (wordToComplete ?? "").Trim('\'', '"');
        var pattern = new WildcardPattern(WildcardPattern.Escape(typed) + "*", WildcardOptions.IgnoreCase);
        foreach (var value in values.Distinct(StringComparer.OrdinalIgnoreCase).Where(v => pattern.IsMatch(v)).OrderBy(v => v, StringComparer.OrdinalIgnoreCase))
        {
            var text = value.Any(c => char.IsWhiteSpace(c) || "'\"`$;,(){}@&|<>#".Contains(c)) ? $"'{value.Replace("'", "''")}'" : value;
            yield return new CompletionResult(text, value, CompletionResultType.ParameterValue, value);
        }
    }
}
