using System.Reflection;
using System.Xml.Linq;
using ClusterBackup.Cli;

namespace ClusterBackup.Engine.Tests.Cli;

/// <summary>
/// The CLI's tables and the PowerShell views show the same columns: for every result type with a table view in
/// module/*.Format.ps1xml, the CLI declares its table in <see cref="CliTables"/> with the view's labels, in the view's order.
/// </summary>
public sealed class CliTableTests
{
    /// <summary>Types with a view that no CLI command writes as a table, and why.</summary>
    private static readonly Dictionary<string, string> WithoutCliTable = new(StringComparer.Ordinal)
    {
        ["ClusterBackup.Engine.Schedule.BackupSchedule"] = "`schedule new|show` list the schedule's jobs (ScheduledJob); the schedule itself is in -o json",
    };

    [Fact]
    public void EveryCliTableHasTheColumnsOfItsView()
    {
        var views = ViewColumns();
        var tables = CliTableHeaders();

        Assert.NotEmpty(tables);
        foreach (var (type, headers) in tables)
        {
            Assert.True(views.TryGetValue(type, out var labels), $"CliTables declares a table for {type}, which has no table view in module/*.Format.ps1xml.");
            Assert.True(labels!.SequenceEqual(headers),
                $"{type}: the view shows {string.Join(", ", labels!)}; the CLI table shows {string.Join(", ", headers)}.");
        }
    }

    [Fact]
    public void EveryViewHasACliTable()
    {
        var tables = CliTableHeaders();

        var missing = ViewColumns().Keys.Where(t => !tables.ContainsKey(t) && !WithoutCliTable.ContainsKey(t)).Order().ToList();

        Assert.True(missing.Count == 0, $"No CLI table in CliTables for the views of: {string.Join(", ", missing)}.");
        Assert.All(WithoutCliTable.Keys, t => Assert.False(tables.ContainsKey(t), $"{t} has a CLI table; take it off the list of types without one."));
    }

    /// <summary>The labels of every table view, by the type it is selected by.</summary>
    private static Dictionary<string, IReadOnlyList<string>> ViewColumns()
    {
        var views = new Dictionary<string, IReadOnlyList<string>>(StringComparer.Ordinal);
        var files = Directory.GetFiles(Path.Combine(RepositoryRoot(), "module"), "*.Format.ps1xml");
        Assert.NotEmpty(files);
        foreach (var file in files)
            foreach (var view in XDocument.Load(file).Descendants("View"))
            {
                var table = view.Element("TableControl");
                if (table is null)
                    continue;
                var labels = table.Descendants("TableColumnHeader").Select(h => h.Element("Label")?.Value ?? "").ToList();
                foreach (var type in view.Descendants("TypeName"))
                    views[type.Value.Trim()] = labels;
            }
        return views;
    }

    /// <summary>The headers of every table <see cref="CliTables"/> declares, by its row type.</summary>
    private static Dictionary<string, IReadOnlyList<string>> CliTableHeaders() =>
        typeof(CliTables).GetFields(BindingFlags.Public | BindingFlags.Static)
            .Where(f => f.FieldType.IsGenericType && f.FieldType.GetGenericTypeDefinition() == typeof(CliTable<>))
            .ToDictionary(
                f => f.FieldType.GetGenericArguments()[0].FullName!,
                f => (IReadOnlyList<string>)f.FieldType.GetProperty(nameof(CliTable<object>.Headers))!.GetValue(f.GetValue(null))!,
                StringComparer.Ordinal);

    private static string RepositoryRoot()
    {
        for (var folder = new DirectoryInfo(AppContext.BaseDirectory); folder is not null; folder = folder.Parent)
            if (File.Exists(Path.Combine(folder.FullName, "ClusterBackup.sln")))
                return folder.FullName;
        throw new DirectoryNotFoundException($"No ClusterBackup.sln above {AppContext.BaseDirectory}.");
    }
}
