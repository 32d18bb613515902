using System.Net;
using ClusterBackup.Engine.Common;
using ClusterBackup.Engine.Configuration;
using Microsoft.Data.SqlClient;

namespace ClusterBackup.Engine.Databases.SqlServer;

/// <summary>
/// How the SQL Server engine connects and where the server sees the share. Settings (all optional) in the server
/// definition:
/// <list type="bullet">
/// <item><c>dataSource</c>: what to connect to (default: the virtual server name); "NAME\INSTANCE" or "NAME,PORT" work.</item>
/// <item><c>encrypt</c>, <c>trustServerCertificate</c>: TLS options of the connection (default false, false).</item>
/// <item><c>connectTimeoutSeconds</c> (default 15), <c>commandTimeoutSeconds</c> (default 0: BACKUP and RESTORE may run for hours).</item>
/// <item><c>localShareRoot</c> and <c>uncShareRoot</c>: when the backup server sees the share under another path than the
/// SQL Server service does (e.g. /srv/backup here and \\BACKUP01\backup there), paths under localShareRoot are given to
/// SQL Server under uncShareRoot.</item>
/// </list>
/// Credentials come from the server definition (SQL authentication); without them, integrated security is used.
/// Connection strings never appear in messages.
/// </summary>
public sealed record SqlServerSettings(
    string DataSource,
    bool Encrypt,
    bool TrustServerCertificate,
    int ConnectTimeoutSeconds,
    int CommandTimeoutSeconds,
    string? LocalShareRoot,
    string? UncShareRoot,
    NetworkCredential? Credential)
{
    public static SqlServerSettings FromDefinition(ServerDefinition definition)
    {
        var s = definition.Settings;
        var local = s.Value<string>("localShareRoot");
        var unc = s.Value<string>("uncShareRoot");
        if ((local is null) != (unc is null))
            throw new ClusterBackupException(ErrorKind.InvalidArgument, definition.Name,
                $"Server '{definition.Name}': localShareRoot and uncShareRoot go together; give both or neither.");
        return new SqlServerSettings(
            s.Value<string>("dataSource") is { Length: > 0 } dataSource ? dataSource : definition.Name,
            s.Value<bool?>("encrypt") ?? false,
            s.Value<bool?>("trustServerCertificate") ?? false,
            s.Value<int?>("connectTimeoutSeconds") ?? 15,
            s.Value<int?>("commandTimeoutSeconds") ?? 0,
            local, unc, definition.Credential);
    }

    /// <summary>The connection string for <paramref name="dataSource"/> (default: <see cref="DataSource"/>).</summary>
    public string ConnectionString(string? dataSource = null, string database = "master")
    {
        var builder = new SqlConnectionStringBuilder
        {
            DataSource = dataSource ?? DataSource,
            InitialCatalog = database,
            Encrypt = Encrypt,
            TrustServerCertificate = TrustServerCertificate,
            ConnectTimeout = ConnectTimeoutSeconds,
            ApplicationName = "ClusterBackup",
            // A failover cluster instance moves between nodes; pooled connections to the old node must not be reused.
            Pooling = false,
        };
        if (Credential is { } credential)
        {
            builder.UserID = credential.UserName;
            builder.Password = credential.Password;
        }
        else
        {
            builder.IntegratedSecurity = true;
        }
        return builder.ConnectionString;
    }

    /// <summary>The path SQL Server is given for a path on the share as this machine sees it.</summary>
    public string ServerPath(string localPath)
    {
        if (LocalShareRoot is null || UncShareRoot is null)
            return localPath;
        var root = LocalShareRoot.TrimEnd('/', '\\');
        var comparison = OperatingSystem.IsWindows() ? StringComparison.OrdinalIgnoreCase : StringComparison.Ordinal;
        if (!localPath.StartsWith(root, comparison) || (localPath.Length > root.Length && localPath[root.Length] is not ('/' or '\\')))
            return localPath;
        var rest = localPath[root.Length..].TrimStart('/', '\\').Replace('/', '\\');
        return UncShareRoot.TrimEnd('\\') + (rest.Length > 0 ? "\\" + rest : "");
    }
}
