using System.Collections;
using ClusterBackup.Engine.Clusters;
using ClusterBackup.Engine.Configuration;

namespace ClusterBackup.PowerShell.Cluster;

/// <summary>Turns the cluster cmdlets' provider parameters into a ClusterDefinition (binding only; the engine validates).</summary>
internal static class ClusterParameters
{
    public static ClusterDefinition ToDefinition(string name, string provider, string? crmMon, string? commandPrefix, string? computerName, int? timeoutSeconds, Hashtable? setting)
    {
        var settings = new List<KeyValuePair<string, string?>>();
        if (setting is not null)
            foreach (DictionaryEntry entry in setting)
                settings.Add(new(entry.Key.ToString()!, entry.Value?.ToString()));
        settings.Add(new("crmMon", crmMon));
        settings.Add(new("commandPrefix", commandPrefix));
        settings.Add(new("computerName", computerName));
        settings.Add(new("timeoutSeconds", timeoutSeconds?.ToString(System.Globalization.CultureInfo.InvariantCulture)));
        return ClusterDefinitionParameters.Build(name, provider, settings);
    }
}
