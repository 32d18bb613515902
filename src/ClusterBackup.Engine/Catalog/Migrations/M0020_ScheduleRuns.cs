using Microsoft.Data.Sqlite;

namespace ClusterBackup.Engine.Catalog.Migrations;

/// <summary>
/// Scheduled job runs (for the scheduler's history and learned durations) and the runtime guard's locks: one row
/// per running job, with the holder's host, process and lease, so a job refuses to start beside a conflicting one
/// and a crashed holder's lock expires. See docs/catalog.md, "Scheduling".
/// </summary>
internal sealed class M0020_ScheduleRuns : ICatalogMigration
{
    public int Version => 20;
    public string Name => "schedule runs and job locks";

    public void Apply(SqliteConnection connection, SqliteTransaction transaction) =>
        CatalogDatabase.Execute(connection, transaction, """
            CREATE TABLE schedule_runs (
                run_id         TEXT PRIMARY KEY,
                schedule_name  TEXT NOT NULL,
                job_name       TEXT NOT NULL,
                job_type       TEXT NOT NULL,
                host           TEXT NOT NULL,
                pid            INTEGER NOT NULL,
                started_utc    TEXT NOT NULL,
                finished_utc   TEXT,
                status         TEXT NOT NULL CHECK (status IN ('Running','Succeeded','Failed','Refused','Abandoned')),
                message        TEXT);
            CREATE INDEX ix_schedule_runs_job ON schedule_runs(schedule_name, job_name, started_utc);

            CREATE TABLE schedule_locks (
                run_id              TEXT PRIMARY KEY REFERENCES schedule_runs(run_id),
                schedule_name       TEXT NOT NULL,
                job_name            TEXT NOT NULL,
                job_type            TEXT NOT NULL,
                cluster             TEXT,
                share               TEXT,
                databases           TEXT NOT NULL,
                host                TEXT NOT NULL,
                pid                 INTEGER NOT NULL,
                process_started_utc TEXT,
                acquired_utc        TEXT NOT NULL,
                heartbeat_utc       TEXT NOT NULL,
                expires_utc         TEXT NOT NULL);
            """);
}
