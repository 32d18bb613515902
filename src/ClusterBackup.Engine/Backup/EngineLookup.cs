using ClusterBackup.Engine.Catalog;
using ClusterBackup.Engine.Configuration;
using ClusterBackup.Engine.Databases;
using Newtonsoft.Json.Linq;

namespace ClusterBackup.Engine.Backup;

/// <summary>
/// The engine that reads a catalogued backup set: configured like its server when the configuration knows
/// it (tool folders, accounts), else with the engine's defaults, so a backup can be verified or restored on a
/// machine that has the catalog and the share but not the cluster's configuration.
/// </summary>
public static class EngineLookup
{
    public static IDatabaseEngine For(BackupSet set, ClusterBackupConfiguration? configuration, ProviderRegistry providers)
    {
        var server = configuration?.Servers.FirstOrDefault(s => string.Equals(s.Name, set.VirtualServer, StringComparison.OrdinalIgnoreCase))
                     ?? new ServerDefinition(set.VirtualServer, set.Cluster, set.Engine, new JObject());
        return providers.CreateEngine(server with { Engine = set.Engine });
    }
}
