using System.Net;
using Newtonsoft.Json.Linq;

namespace ClusterBackup.Engine.Configuration;

/// <summary>A virtual server as configured: the cluster it lives in, its engine, and the engine's own settings.</summary>
/// <param name="Name">The virtual server name (SQL Server network name, PostgreSQL virtual address name).</param>
/// <param name="Cluster">The configured cluster the server runs in.</param>
/// <param name="Engine">"SqlServer" or "PostgreSql".</param>
/// <param name="Settings">Engine-specific settings (port, tool paths, connection options).</param>
/// <param name="Credential">Credentials to connect with; null means integrated or trust authentication.</param>
public sealed record ServerDefinition(string Name, string Cluster, string Engine, JObject Settings, NetworkCredential? Credential = null);
