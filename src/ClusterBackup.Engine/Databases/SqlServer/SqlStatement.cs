using System.Data;
using System.Text.RegularExpressions;

namespace ClusterBackup.Engine.Databases.SqlServer;

/// <summary>A parameter of a <see cref="SqlStatement"/>: its name (with @), SQL type and value.</summary>
public sealed record SqlStatementParameter(string Name, SqlDbType Type, object? Value, int Size = 0);

/// <summary>
/// A T-SQL statement with its parameters. Names and paths travel as parameters, never inside <see cref="Text"/>:
/// BACKUP and RESTORE accept a variable wherever they take a database name, a device path, a logical file name
/// or a STOPAT time, and SqlClient sends a parameterized command as sp_executesql with those variables.
/// </summary>
public sealed partial record SqlStatement(string Text, IReadOnlyList<SqlStatementParameter> Parameters)
{
    public SqlStatement(string text) : this(text, []) { }

    public object? this[string name] => Parameters.Single(p => p.Name == name).Value;

    /// <summary>
    /// The statement as a script a person can read or run by hand: each @parameter replaced by its quoted literal
    /// (N'...' with doubled quotes). For -WhatIf and verbose output only; the engine runs <see cref="Text"/> with parameters.
    /// </summary>
    public string ToScript()
    {
        var values = Parameters.ToDictionary(p => p.Name, p => TSql.Literal(p.Value), StringComparer.OrdinalIgnoreCase);
        return ParameterPattern().Replace(Text, m => values.TryGetValue(m.Value, out var literal) ? literal : m.Value);
    }

    [GeneratedRegex(@"@[A-Za-z_][A-Za-z0-9_]*")]
    private static partial Regex ParameterPattern();
}
