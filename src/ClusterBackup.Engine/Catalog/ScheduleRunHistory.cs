using ClusterBackup.Engine.Schedule;
using Microsoft.Data.Sqlite;

namespace ClusterBackup.Engine.Catalog;

/// <summary>Reads the runs the catalog holds for scheduled jobs, newest first.</summary>
public sealed class ScheduleRunHistory(CatalogDatabase catalog)
{
    public IReadOnlyList<ScheduleRun> Runs(string? schedule = null, string? job = null, int limit = 100, ScheduleRunStatus? status = null) =>
        catalog.Read(c =>
        {
            using var command = c.CreateCommand();
            command.CommandText = """
                SELECT run_id, schedule_name, job_name, job_type, host, pid, started_utc, finished_utc, status, message
                FROM schedule_runs
                WHERE ($s IS NULL OR schedule_name = $s COLLATE NOCASE) AND ($j IS NULL OR job_name = $j COLLATE NOCASE)
                  AND ($st IS NULL OR status = $st)
                ORDER BY started_utc DESC LIMIT $limit
                """;
            command.Parameters.AddWithValue("$s", (object?)schedule ?? DBNull.Value);
            command.Parameters.AddWithValue("$j", (object?)job ?? DBNull.Value);
            command.Parameters.AddWithValue("$st", status is { } st ? st.ToString() : DBNull.Value);
            command.Parameters.AddWithValue("$limit", limit);
            using var reader = command.ExecuteReader();
            var runs = new List<ScheduleRun>();
            while (reader.Read())
                runs.Add(ReadRun(reader));
            return runs;
        });

    internal static ScheduleRun ReadRun(SqliteDataReader reader) => new()
    {
        RunId = reader.ReadString(0),
        Schedule = reader.ReadString(1),
        Job = reader.ReadString(2),
        Type = Enum.Parse<ScheduledJobType>(reader.ReadString(3)),
        Host = reader.ReadString(4),
        ProcessId = reader.ReadInt32(5),
        Started = CatalogTime.Parse(reader.ReadString(6)),
        Finished = reader.IsDBNull(7) ? null : CatalogTime.Parse(reader.ReadString(7)),
        Status = Enum.Parse<ScheduleRunStatus>(reader.ReadString(8)),
        Message = reader.IsDBNull(9) ? null : reader.ReadString(9),
    };
}
