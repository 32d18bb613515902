using System.Globalization;
using System.Text.RegularExpressions;
using ClusterBackup.Engine.Catalog;

namespace ClusterBackup.Engine.Databases.PostgreSql;

/// <summary>The server's own record of base backups, read from the backup history files in the WAL archive.</summary>
internal sealed class PostgreSqlBackupHistory(PostgreSqlConnector postgres)
{
    /// <summary>The server's own record of base backups: the *.backup history files it archives for each pg_basebackup.</summary>
    public Task<IReadOnlyList<EngineBackupRecord>> ListAsync(string database)
    {
        var archive = postgres.RequireArchive();
        var records = new List<EngineBackupRecord>();
        foreach (var file in Directory.Exists(archive) ? Directory.GetFiles(archive, "*.backup").Order(StringComparer.Ordinal).ToArray() : [])
        {
            var fields = File.ReadAllLines(file).Select(l => l.Split(':', 2)).Where(p => p.Length == 2)
                .GroupBy(p => p[0].Trim()).ToDictionary(g => g.Key, g => g.First()[1].Trim());
            if (!fields.TryGetValue("START WAL LOCATION", out var start) || !fields.TryGetValue("STOP WAL LOCATION", out var stop))
                continue;
            records.Add(new EngineBackupRecord(database, BackupType.Full, ParseHistoryTime(fields.GetValueOrDefault("START TIME")),
                ParseHistoryTime(fields.GetValueOrDefault("STOP TIME")), start.Split(' ')[0], stop.Split(' ')[0], [file]));
        }
        return Task.FromResult<IReadOnlyList<EngineBackupRecord>>(records);
    }

    private static DateTimeOffset ParseHistoryTime(string? text)
    {
        if (text is null)
            return DateTimeOffset.MinValue;
        var trimmed = Regex.Replace(text, @"\s+[A-Za-z]+$", "");
        return DateTimeOffset.TryParse(trimmed, CultureInfo.InvariantCulture, DateTimeStyles.AssumeUniversal, out var value) ? value : DateTimeOffset.MinValue;
    }
}
