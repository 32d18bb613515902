using System.Globalization;
using ClusterBackup.Engine.Common;
using ClusterBackup.Engine.Configuration;
using Newtonsoft.Json.Linq;

namespace ClusterBackup.Engine.Cluster;

/// <summary>
/// Builds a <see cref="ClusterDefinition"/> from command-line style parameters (provider name plus key=value settings),
/// for the read-only cluster commands that work without a configuration file.
/// </summary>
public static class ClusterDefinitionParameters
{
    /// <summary>
    /// Values that read as a number or true/false become JSON numbers and booleans (timeoutSeconds=10); everything else
    /// stays a string (commandPrefix="ssh root@node1" is split into arguments by the Pacemaker provider). Null values are left out.
    /// </summary>
    public static ClusterDefinition Build(string name, string provider, IEnumerable<KeyValuePair<string, string?>> settings)
    {
        if (string.IsNullOrWhiteSpace(name))
            throw new ClusterBackupException(ErrorKind.InvalidArgument, provider, "The cluster needs a name.");
        if (!ProviderRegistry.Default.ClusterProviders.Contains(provider, StringComparer.OrdinalIgnoreCase))
            throw new ClusterBackupException(ErrorKind.InvalidArgument, provider,
                $"'{provider}' is not a cluster provider; choose one of: {string.Join(", ", ProviderRegistry.Default.ClusterProviders.Order())}.");
        var json = new JObject();
        foreach (var (key, value) in settings)
        {
            if (value is null)
                continue;
            json[key] = double.TryParse(value, NumberStyles.Float, CultureInfo.InvariantCulture, out var number) ? new JValue(number)
                : bool.TryParse(value, out var flag) ? new JValue(flag)
                : new JValue(value);
        }
        return new ClusterDefinition(name, provider, json);
    }

    /// <summary>Parses "key=value" pairs as the CLI takes them.</summary>
    public static IEnumerable<KeyValuePair<string, string?>> ParsePairs(IEnumerable<string> pairs) =>
        pairs.Select(pair =>
        {
            var equals = pair.IndexOf('=');
            if (equals <= 0)
                throw new ClusterBackupException(ErrorKind.InvalidArgument, pair, $"'{pair}' is not a setting; write key=value.");
            return new KeyValuePair<string, string?>(pair[..equals].Trim(), pair[(equals + 1)..]);
        });
}
