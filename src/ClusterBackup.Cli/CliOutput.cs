using Newtonsoft.Json;
using Newtonsoft.Json.Converters;

namespace ClusterBackup.Cli;

/// <summary>Writes result objects as an aligned table (for people) or JSON (for scripts).</summary>
public sealed class CliOutput(TextWriter writer, bool json)
{
    private static readonly JsonSerializerSettings JsonSettings = new()
    {
        Formatting = Formatting.Indented,
        Converters = { new StringEnumConverter() },
        DateFormatHandling = DateFormatHandling.IsoDateFormat,
    };

    public bool IsJson => json;

    /// <summary>Writes rows; <paramref name="columns"/> pick what the table shows, JSON always has every property.</summary>
    public void Write<T>(IEnumerable<T> rows, params (string Header, Func<T, object?> Value)[] columns)
    {
        var list = rows.ToList();
        if (json)
        {
            writer.WriteLine(JsonConvert.SerializeObject(list, JsonSettings));
            return;
        }
        if (list.Count == 0)
            return;
        var cells = list.Select(r => columns.Select(c => Format(c.Value(r))).ToArray()).ToList();
        var widths = columns.Select((c, i) => Math.Max(c.Header.Length, cells.Max(row => row[i].Length))).ToArray();
        writer.WriteLine(string.Join("  ", columns.Select((c, i) => c.Header.PadRight(widths[i]))).TrimEnd());
        writer.WriteLine(string.Join("  ", widths.Select(w => new string('-', w))));
        foreach (var row in cells)
            writer.WriteLine(string.Join("  ", row.Select((cell, i) => cell.PadRight(widths[i]))).TrimEnd());
    }

    public void WriteOne<T>(T item, params (string Header, Func<T, object?> Value)[] columns) => Write([item], columns);

    /// <summary>Writes rows as <paramref name="table"/> declares them (<see cref="CliTables"/>).</summary>
    public void Write<T>(IEnumerable<T> rows, CliTable<T> table) => Write(rows, table.Columns.ToArray());

    public void WriteOne<T>(T item, CliTable<T> table) => Write([item], table);

    private static string Format(object? value) => value switch
    {
        null => "",
        DateTimeOffset d => d.ToLocalTime().ToString("yyyy-MM-dd HH:mm:ss"),
        TimeSpan t => t.ToString(@"hh\:mm\:ss"),
        bool b => b ? "yes" : "no",
        _ => value.ToString() ?? "",
    };
}
