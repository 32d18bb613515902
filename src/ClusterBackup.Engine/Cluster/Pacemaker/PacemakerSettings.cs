using ClusterBackup.Engine.Common;
using ClusterBackup.Engine.Configuration;
using Newtonsoft.Json.Linq;

namespace ClusterBackup.Engine.Cluster.Pacemaker;

/// <summary>
/// How the Pacemaker provider runs <c>crm_mon</c>. Settings (all optional) in the cluster definition:
/// <list type="bullet">
/// <item><c>crmMon</c>: the crm_mon executable (default "crm_mon", found on PATH).</item>
/// <item><c>commandPrefix</c>: a command that runs crm_mon somewhere else, as an array of arguments
/// (e.g. ["ssh", "root@node1"] or ["nsenter", "-t", "4242", "-m", "-n", "-u"]) or one string split on spaces.</item>
/// <item><c>timeoutSeconds</c>: how long one crm_mon call may take (default 30).</item>
/// <item><c>nodeAddresses</c>: an object from node name to an address the node is reached on (crm_mon names nodes but
/// gives no addresses), e.g. {"node1": "10.0.0.11"}; reported as the node's and the owner's address.</item>
/// </list>
/// </summary>
public sealed record PacemakerSettings(string CrmMon, IReadOnlyList<string> CommandPrefix, TimeSpan Timeout, IReadOnlyDictionary<string, string>? NodeAddresses = null)
{
    public static readonly PacemakerSettings Default = new("crm_mon", [], TimeSpan.FromSeconds(30));

    /// <summary>The arguments that make crm_mon print the status once, as XML.</summary>
    public static readonly IReadOnlyList<string> CrmMonArguments = ["-1", "--output-as=xml"];

    /// <summary>The full command line: prefix, crm_mon, its arguments. The first element is the program to start.</summary>
    public IReadOnlyList<string> CommandLine => [.. CommandPrefix, CrmMon, .. CrmMonArguments];

    public static PacemakerSettings FromDefinition(ClusterDefinition definition)
    {
        var settings = definition.Settings;
        var crmMon = settings.Value<string>("crmMon");
        var timeout = settings["timeoutSeconds"] is { Type: JTokenType.Integer or JTokenType.Float } t ? t.Value<double>() : 30;
        if (timeout <= 0)
            throw new ClusterBackupException(ErrorKind.InvalidArgument, definition.Name,
                $"Cluster '{definition.Name}': timeoutSeconds must be positive, not {timeout}.");
        return new PacemakerSettings(
            string.IsNullOrWhiteSpace(crmMon) ? Default.CrmMon : crmMon,
            ParsePrefix(definition.Name, settings["commandPrefix"]),
            TimeSpan.FromSeconds(timeout),
            ParseAddresses(definition.Name, settings["nodeAddresses"]));
    }

    private static IReadOnlyDictionary<string, string>? ParseAddresses(string cluster, JToken? token) => token switch
    {
        null or { Type: JTokenType.Null } => null,
        JObject map when map.Properties().All(p => p.Value.Type == JTokenType.String) =>
            map.Properties().ToDictionary(p => p.Name, p => p.Value.Value<string>()!, StringComparer.OrdinalIgnoreCase),
        _ => throw new ClusterBackupException(ErrorKind.InvalidArgument, cluster,
            $"Cluster '{cluster}': nodeAddresses must be an object of node name to address strings."),
    };

    private static IReadOnlyList<string> ParsePrefix(string cluster, JToken? token) => token switch
    {
        null or { Type: JTokenType.Null } => [],
        JArray array when array.All(a => a.Type == JTokenType.String) => array.Select(a => a.Value<string>()!).ToList(),
        { Type: JTokenType.String } => SplitCommandLine(token.Value<string>()!),
        _ => throw new ClusterBackupException(ErrorKind.InvalidArgument, cluster,
            $"Cluster '{cluster}': commandPrefix must be a string or an array of strings."),
    };

    /// <summary>Splits on white space; single or double quotes keep an argument with spaces together.</summary>
    public static IReadOnlyList<string> SplitCommandLine(string commandLine)
    {
        var result = new List<string>();
        var current = new System.Text.StringBuilder();
        char? quote = null;
        var inArgument = false;
        foreach (var c in commandLine)
        {
            if (quote is { } q)
            {
                if (c == q) quote = null;
                else current.Append(c);
            }
            else if (c is '"' or '\'')
            {
                quote = c;
                inArgument = true;
            }
            else if (char.IsWhiteSpace(c))
            {
                if (inArgument) result.Add(current.ToString());
                current.Clear();
                inArgument = false;
            }
            else
            {
                current.Append(c);
                inArgument = true;
            }
        }
        if (quote is not null)
            throw new ClusterBackupException(ErrorKind.InvalidArgument, commandLine, $"The command line has an unclosed {quote} quote: {commandLine}");
        if (inArgument) result.Add(current.ToString());
        return result;
    }
}
