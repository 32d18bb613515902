using ClusterBackup.Engine.Databases.SqlServer;

namespace ClusterBackup.Engine.Tests.Databases.SqlServer;

/// <summary>
/// A stand-in for SQL Server that answers the engine's statements from a script: each rule matches a statement by the
/// start of its text and answers with rows, a scalar, messages, an action (e.g. write the backup file as SQL Server
/// would) or an error. Records every statement, so tests read the sequence the engine ran.
/// </summary>
public sealed class ScriptedSqlServer : ISqlServerConnector
{
    public sealed record Rule(string TextStart, Func<SqlStatement, IReadOnlyList<SqlRow>>? Rows = null, object? Scalar = null,
        IReadOnlyList<(int Number, string Message)>? Messages = null, Action<SqlStatement>? Effect = null, SqlServerCommandException? Error = null);

    private readonly List<Rule> _rules = [];

    public List<SqlStatement> Statements { get; } = [];

    public List<string> DataSources { get; } = [];

    public ScriptedSqlServer On(string textStart, Func<SqlStatement, IReadOnlyList<SqlRow>>? rows = null, object? scalar = null,
        IReadOnlyList<(int, string)>? messages = null, Action<SqlStatement>? effect = null, SqlServerCommandException? error = null)
    {
        _rules.Insert(0, new Rule(textStart, rows, scalar, messages, effect, error)); // later rules win
        return this;
    }

    public Task<ISqlServerSession> OpenAsync(string dataSource, string server, CancellationToken cancellationToken)
    {
        DataSources.Add(dataSource);
        return Task.FromResult<ISqlServerSession>(new Session(this));
    }

    private Rule Answer(SqlStatement statement)
    {
        Statements.Add(statement);
        var rule = _rules.FirstOrDefault(r => statement.Text.StartsWith(r.TextStart, StringComparison.Ordinal))
            ?? throw new InvalidOperationException($"The script has no answer for: {statement.Text}");
        rule.Effect?.Invoke(statement);
        if (rule.Error is not null)
            throw rule.Error;
        return rule;
    }

    private sealed class Session(ScriptedSqlServer server) : ISqlServerSession
    {
        public Task<IReadOnlyList<SqlRow>> QueryAsync(SqlStatement statement, CancellationToken cancellationToken) =>
            Task.FromResult(server.Answer(statement).Rows?.Invoke(statement) ?? []);

        public Task<object?> ScalarAsync(SqlStatement statement, CancellationToken cancellationToken) =>
            Task.FromResult(server.Answer(statement).Scalar);

        public Task ExecuteAsync(SqlStatement statement, Action<int, string> onMessage, CancellationToken cancellationToken)
        {
            var rule = server.Answer(statement);
            foreach (var (number, message) in rule.Messages ?? [])
                onMessage(number, message);
            return Task.CompletedTask;
        }

        public ValueTask DisposeAsync() => ValueTask.CompletedTask;
    }
}
