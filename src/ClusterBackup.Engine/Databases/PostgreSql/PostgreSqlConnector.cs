using System.Collections.Concurrent;
using System.Globalization;
using ClusterBackup.Engine.Common;
using ClusterBackup.Engine.Configuration;
using Npgsql;

namespace ClusterBackup.Engine.Databases.PostgreSql;

/// <summary>
/// One configured PostgreSQL server as the engine's parts reach it: its settings, its credentials, its tools,
/// its WAL archive, and connections to one of its addresses.
/// </summary>
internal sealed class PostgreSqlConnector(ServerDefinition definition, PostgreSqlSettings settings)
{
    private readonly ConcurrentDictionary<string, PostgreSqlTools> _tools = new(StringComparer.Ordinal);

    public PostgreSqlSettings Settings => settings;

    /// <summary>The server's tools of one major version ("15"), found once.</summary>
    public PostgreSqlTools ToolsFor(string majorVersion) =>
        _tools.GetOrAdd(majorVersion, major => PostgreSqlTools.Locate(settings.ToolDirectory, definition.Name, major));

    /// <summary>The tools of the major version the connected server runs.</summary>
    public async Task<PostgreSqlTools> ToolsForServerAsync(NpgsqlConnection connection, CancellationToken cancellationToken) =>
        ToolsFor(PostgreSqlTools.MajorOfVersionNumber(
            await ScalarAsync<int>(connection, "SELECT current_setting('server_version_num')::int", cancellationToken).ConfigureAwait(false)));

    /// <summary>The tools of the major version a data directory (or an unpacked base backup) belongs to.</summary>
    public PostgreSqlTools ToolsForDataDirectory(string dataDirectory) => ToolsFor(PostgreSqlTools.MajorOfDataDirectory(dataDirectory));

    /// <summary>The user that runs servers the engine starts itself (recovery, restored-copy checks): the configured
    /// serverUser, else postgres when running as root (PostgreSQL refuses to run as root), else the current user.</summary>
    public string? ServerUser => settings.ServerUser ?? (Environment.UserName == "root" && !OperatingSystem.IsWindows() ? "postgres" : null);

    public string? Password => definition.Credential?.Password is { Length: > 0 } p ? p : null;

    public string User => definition.Credential?.UserName is { Length: > 0 } u ? u : settings.Username;

    public string RequireArchive() =>
        settings.WalArchive ?? throw new ClusterBackupException(ErrorKind.InvalidData, definition.Name,
            $"Server '{definition.Name}' has no 'walArchive' setting: log backups read the WAL that archive_command copies there. See docs/configuration.md.");

    public async Task<NpgsqlConnection> OpenAsync(string address, string database, CancellationToken cancellationToken)
    {
        var (host, port) = settings.ParseAddress(address);
        var builder = new NpgsqlConnectionStringBuilder
        {
            Host = host, Port = port, Username = User, Password = Password, Database = database,
            Timeout = settings.ConnectTimeoutSeconds, Pooling = false, CommandTimeout = 0,
        };
        var connection = new NpgsqlConnection(builder.ConnectionString);
        try
        {
            await connection.OpenAsync(cancellationToken).ConfigureAwait(false);
            return connection;
        }
        catch
        {
            await connection.DisposeAsync().ConfigureAwait(false);
            throw;
        }
    }

    public static async Task<T> ScalarAsync<T>(NpgsqlConnection connection, string sql, CancellationToken cancellationToken)
    {
        await using var command = new NpgsqlCommand(sql, connection);
        var value = await command.ExecuteScalarAsync(cancellationToken).ConfigureAwait(false);
        return value is T typed ? typed : (T)Convert.ChangeType(value!, typeof(T), CultureInfo.InvariantCulture);
    }

    public static async Task<long> SegmentSizeAsync(NpgsqlConnection connection, CancellationToken cancellationToken) =>
        await ScalarAsync<long>(connection, "SELECT setting::bigint FROM pg_settings WHERE name = 'wal_segment_size'", cancellationToken).ConfigureAwait(false);

    public static string FirstLine(string text) => text.Split('\n')[0].Trim();
}
