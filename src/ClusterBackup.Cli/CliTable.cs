namespace ClusterBackup.Cli;

/// <summary>
/// The columns a CLI table shows for one result type: each a header and the value of a row. The tables of the result
/// types that also have a PowerShell view are declared once, in <see cref="CliTables"/>, with the view's column labels.
/// </summary>
public sealed class CliTable<T>(params (string Header, Func<T, object?> Value)[] columns)
{
    public IReadOnlyList<(string Header, Func<T, object?> Value)> Columns { get; } = columns;

    public IReadOnlyList<string> Headers => Columns.Select(c => c.Header).ToList();
}
