using ClusterBackup.Engine.Common;
using Microsoft.Data.SqlClient;

namespace ClusterBackup.Engine.Databases.SqlServer;

/// <summary>Sessions over Microsoft.Data.SqlClient. SqlException becomes <see cref="SqlServerCommandException"/>.
/// Unverified against a live SQL Server here (only a refused connection is exercised).</summary>
public sealed class SqlClientConnector(SqlServerSettings settings) : ISqlServerConnector
{
    public async Task<ISqlServerSession> OpenAsync(string dataSource, string server, CancellationToken cancellationToken)
    {
        var connection = new SqlConnection(settings.ConnectionString(dataSource));
        try
        {
            await connection.OpenAsync(cancellationToken).ConfigureAwait(false);
            return new Session(connection, settings.CommandTimeoutSeconds);
        }
        catch (SqlException ex)
        {
            await connection.DisposeAsync().ConfigureAwait(false);
            // The connection string is never part of the message: it may hold a password.
            throw new ClusterBackupException(ErrorKind.ConnectionError, server, $"Cannot connect to SQL Server {server} ({dataSource}): {ex.Message}", ex);
        }
    }

    private sealed class Session(SqlConnection connection, int commandTimeoutSeconds) : ISqlServerSession
    {
        public async Task<IReadOnlyList<SqlRow>> QueryAsync(SqlStatement statement, CancellationToken cancellationToken)
        {
            try
            {
                await using var command = Command(statement);
                await using var reader = await command.ExecuteReaderAsync(cancellationToken).ConfigureAwait(false);
                var rows = new List<SqlRow>();
                while (await reader.ReadAsync(cancellationToken).ConfigureAwait(false))
                {
                    var values = new Dictionary<string, object?>(StringComparer.OrdinalIgnoreCase);
                    for (var i = 0; i < reader.FieldCount; i++)
                        values[reader.GetName(i)] = reader.IsDBNull(i) ? null : reader.GetValue(i);
                    rows.Add(new SqlRow(values));
                }
                return rows;
            }
            catch (SqlException ex)
            {
                // A cancelled command surfaces as "Operation cancelled by user"; report it as the cancellation it is.
                cancellationToken.ThrowIfCancellationRequested();
                throw new SqlServerCommandException(ex.Number, ex.Message, ex);
            }
        }

        public async Task<object?> ScalarAsync(SqlStatement statement, CancellationToken cancellationToken)
        {
            try
            {
                await using var command = Command(statement);
                return await command.ExecuteScalarAsync(cancellationToken).ConfigureAwait(false);
            }
            catch (SqlException ex)
            {
                // A cancelled command surfaces as "Operation cancelled by user"; report it as the cancellation it is.
                cancellationToken.ThrowIfCancellationRequested();
                throw new SqlServerCommandException(ex.Number, ex.Message, ex);
            }
        }

        public async Task ExecuteAsync(SqlStatement statement, Action<int, string> onMessage, CancellationToken cancellationToken)
        {
            void OnMessage(object sender, SqlInfoMessageEventArgs e)
            {
                foreach (SqlError error in e.Errors)
                    onMessage(error.Number, error.Message);
            }
            connection.InfoMessage += OnMessage;
            try
            {
                await using var command = Command(statement);
                await command.ExecuteNonQueryAsync(cancellationToken).ConfigureAwait(false);
            }
            catch (SqlException ex)
            {
                // A cancelled command surfaces as "Operation cancelled by user"; report it as the cancellation it is.
                cancellationToken.ThrowIfCancellationRequested();
                throw new SqlServerCommandException(ex.Number, ex.Message, ex);
            }
            finally
            {
                connection.InfoMessage -= OnMessage;
            }
        }

        public ValueTask DisposeAsync() => connection.DisposeAsync();

        private SqlCommand Command(SqlStatement statement)
        {
            var command = new SqlCommand(statement.Text, connection) { CommandTimeout = commandTimeoutSeconds };
            foreach (var p in statement.Parameters)
            {
                var parameter = command.Parameters.Add(p.Name, p.Type);
                if (p.Size > 0)
                    parameter.Size = p.Size;
                parameter.Value = p.Value ?? DBNull.Value;
            }
            return command;
        }
    }
}
