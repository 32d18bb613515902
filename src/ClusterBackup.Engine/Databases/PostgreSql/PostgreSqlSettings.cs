using ClusterBackup.Engine.Configuration;
using Newtonsoft.Json.Linq;

namespace ClusterBackup.Engine.Databases.PostgreSql;

/// <summary>
/// The engine settings of a PostgreSQL virtual server (the "settings" object of a server in the configuration
/// file; docs/configuration.md lists them).
/// </summary>
public sealed record PostgreSqlSettings
{
    /// <summary>Port used for candidates given without one.</summary>
    public int Port { get; init; } = 5432;
    /// <summary>host[:port] of the virtual (floating) address; tried before the cluster's nodes.</summary>
    public string? VirtualAddress { get; init; }
    public string Username { get; init; } = "postgres";
    /// <summary>Database used to find the active server (it always exists).</summary>
    public string MaintenanceDatabase { get; init; } = "postgres";
    /// <summary>Folder of pg_basebackup, pg_verifybackup, pg_ctl; found automatically when not set.</summary>
    public string? ToolDirectory { get; init; }
    /// <summary>The folder every node's archive_command copies completed WAL segments into; log backups read it.</summary>
    public string? WalArchive { get; init; }
    public int ConnectTimeoutSeconds { get; init; } = 5;
    /// <summary>How long a log backup waits for the server to archive the segment it just closed.</summary>
    public int ArchiveWaitSeconds { get; init; } = 60;
    /// <summary>How long a restore waits for recovery to finish.</summary>
    public int RecoveryTimeoutSeconds { get; init; } = 600;
    /// <summary>OS account that runs the server during a restore's recovery; defaults to "postgres" when running as root.</summary>
    public string? ServerUser { get; init; }

    public static PostgreSqlSettings From(string server, JObject settings) => new()
    {
        Port = settings.GetInt("port", server) ?? 5432,
        VirtualAddress = settings.GetString("virtualAddress"),
        Username = settings.GetString("username") ?? "postgres",
        MaintenanceDatabase = settings.GetString("maintenanceDatabase") ?? "postgres",
        ToolDirectory = settings.GetPath("toolDirectory"),
        WalArchive = settings.GetPath("walArchive"),
        ConnectTimeoutSeconds = settings.GetInt("connectTimeoutSeconds", server) ?? 5,
        ArchiveWaitSeconds = settings.GetInt("archiveWaitSeconds", server) ?? 60,
        RecoveryTimeoutSeconds = settings.GetInt("recoveryTimeoutSeconds", server) ?? 600,
        ServerUser = settings.GetString("serverUser"),
    };

    /// <summary>Splits "host[:port]" using <see cref="Port"/> when none is given.</summary>
    public (string Host, int Port) ParseAddress(string address)
    {
        var colon = address.LastIndexOf(':');
        if (colon > 0 && !address.EndsWith(']') && int.TryParse(address[(colon + 1)..], out var port) && address.IndexOf(':') == colon)
            return (address[..colon], port);
        return (address.Trim('[', ']'), Port);
    }
}
