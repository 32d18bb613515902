using Newtonsoft.Json.Linq;

namespace ClusterBackup.Engine.Configuration;

/// <summary>A cluster as configured: its name, the provider that answers for it, and that provider's own settings.</summary>
/// <param name="Name">The cluster's name, as requests and servers refer to it.</param>
/// <param name="Provider">"Static", "Pacemaker" or "Wsfc".</param>
/// <param name="Settings">Provider-specific settings (a topology file, a crm_mon path, a CIM host...).</param>
public sealed record ClusterDefinition(string Name, string Provider, JObject Settings);
