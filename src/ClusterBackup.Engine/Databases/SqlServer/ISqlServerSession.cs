namespace ClusterBackup.Engine.Databases.SqlServer;

/// <summary>
/// One open connection to SQL Server, as the engine uses it: queries returning rows, scalars, and statements whose
/// informational messages (STATS progress) are passed on. The seam that lets the engine's sequence of statements be
/// tested without a server; <see cref="SqlClientConnector"/> is the real one.
/// </summary>
public interface ISqlServerSession : IAsyncDisposable
{
    Task<IReadOnlyList<SqlRow>> QueryAsync(SqlStatement statement, CancellationToken cancellationToken);

    Task<object?> ScalarAsync(SqlStatement statement, CancellationToken cancellationToken);

    /// <param name="statement">The statement and its parameters.</param>
    /// <param name="onMessage">Called with (message number, text) for each informational message, on any thread.</param>
    /// <param name="cancellationToken">Cancels the statement on the server.</param>
    Task ExecuteAsync(SqlStatement statement, Action<int, string> onMessage, CancellationToken cancellationToken);
}
