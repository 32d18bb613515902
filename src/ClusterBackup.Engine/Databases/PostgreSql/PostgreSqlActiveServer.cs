using ClusterBackup.Engine.Common;
using Npgsql;
using static ClusterBackup.Engine.Databases.PostgreSql.PostgreSqlConnector;
using static ClusterBackup.Engine.Databases.PostgreSql.PostgreSqlFiles;

namespace ClusterBackup.Engine.Databases.PostgreSql;

/// <summary>Finds the server that is not in recovery: the virtual address first, then the cluster's nodes.</summary>
internal sealed class PostgreSqlActiveServer(PostgreSqlConnector postgres)
{
    public async Task<DatabaseServer> FindAsync(string virtualServer, IReadOnlyList<string> candidates, string? database, CancellationToken cancellationToken)
    {
        var attempts = new List<string>();
        var targets = new List<(string Address, string Node)>();
        if (postgres.Settings.VirtualAddress is { } vip)
            targets.Add((vip, candidates.Count > 0 ? candidates[0] : vip));
        targets.AddRange(candidates.Select(c => (c, c)));
        foreach (var (address, node) in targets.DistinctBy(t => t.Address))
        {
            cancellationToken.ThrowIfCancellationRequested();
            try
            {
                await using var connection = await postgres.OpenAsync(address, postgres.Settings.MaintenanceDatabase, cancellationToken).ConfigureAwait(false);
                if (await ScalarAsync<bool>(connection, "SELECT pg_is_in_recovery()", cancellationToken).ConfigureAwait(false))
                {
                    attempts.Add($"{address}: in recovery (standby)");
                    continue;
                }
                await using var check = new NpgsqlCommand("SELECT count(*) FROM pg_database WHERE datname = $1", connection);
                check.Parameters.AddWithValue(database ?? postgres.Settings.MaintenanceDatabase);
                if (database is not null && Convert.ToInt64(await check.ExecuteScalarAsync(cancellationToken).ConfigureAwait(false)) == 0)
                    throw new ClusterBackupException(ErrorKind.ObjectNotFound, database,
                        $"Database '{database}' does not exist on server '{virtualServer}' (active node {node}, {address}).") { Cause = "DatabaseNotFound" };
                var (host, port) = postgres.Settings.ParseAddress(address);
                return new DatabaseServer(virtualServer, node, $"{host}:{port}");
            }
            catch (Exception ex) when (ex is NpgsqlException or TimeoutException or System.Net.Sockets.SocketException)
            {
                attempts.Add($"{address}: {FirstLine(ex.Message)}");
            }
        }
        throw new ClusterBackupException(ErrorKind.ResourceUnavailable, virtualServer,
            $"No active (not in recovery) PostgreSQL server found for '{virtualServer}': {(attempts.Count == 0 ? "no candidates" : string.Join("; ", attempts))}.");
    }

    /// <summary>Databases that accept connections, without templates and the maintenance database.</summary>
    public async Task<IReadOnlyList<string>> ListUserDatabasesAsync(DatabaseServer server, CancellationToken cancellationToken)
    {
        await using var connection = await postgres.OpenAsync(server.ConnectionTarget, postgres.Settings.MaintenanceDatabase, cancellationToken).ConfigureAwait(false);
        await using var command = new NpgsqlCommand(
            "SELECT datname FROM pg_database WHERE datallowconn AND NOT datistemplate AND datname <> $1 ORDER BY datname", connection);
        command.Parameters.AddWithValue(postgres.Settings.MaintenanceDatabase);
        await using var reader = await command.ExecuteReaderAsync(cancellationToken).ConfigureAwait(false);
        var names = new List<string>();
        while (await reader.ReadAsync(cancellationToken).ConfigureAwait(false))
            names.Add(reader.GetString(0));
        return names;
    }
}
