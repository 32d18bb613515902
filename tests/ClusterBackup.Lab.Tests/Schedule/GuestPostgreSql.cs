using ClusterBackup.Lab.Tests.Infrastructure;

namespace ClusterBackup.Lab.Tests.Schedule;

/// <summary>
/// A PostgreSQL 15 server in the guest for the scheduled jobs (lab-pg: 127.0.0.1:5432, WAL archived into
/// /var/lab/wal, held while /var/lab/wal.hold exists) with database appdb, and the configuration that names it:
/// cluster labclu (Static topology), virtual server pgvs; it lies in /var/lab/backup, next to every catalog the jobs use.
/// </summary>
public static class GuestPostgreSql
{
    public const string Configuration = "/var/lab/backup/clusterbackup.json";
    public const string Hold = "/var/lab/wal.hold";

    public static Task<bool> EnsureAsync(LabFixture lab) => lab.OnceAsync("postgresql", async guest =>
    {
        await guest.CheckAsync("""
            set -e
            lab-pg start /var/lab/pg 5432 /var/lab/wal
            runuser -u postgres -- psql -h /run/lab-pg -p 5432 -d postgres -qc 'CREATE DATABASE appdb'
            runuser -u postgres -- psql -h /run/lab-pg -p 5432 -d appdb -qc 'CREATE TABLE orders AS SELECT generate_series(1, 1000) AS id'
            mkdir -p /var/lab/backup
            """, TimeSpan.FromMinutes(5));
        await guest.WriteFileAsync("/var/lab/backup/topology.json", """
            { "version": 1, "cluster": "labclu",
              "nodes": [ { "name": "lab", "address": "127.0.0.1:5432", "state": "Online" } ],
              "groups": [ { "name": "pgvs", "owner": "lab", "state": "Online" } ] }
            """);
        // The guest runs 15 to 25 times slower than a real machine, more when the host is busy: a connection takes
        // seconds there, so the connect timeout is the lab's, not the 5 s default.
        await guest.WriteFileAsync(Configuration, """
            { "version": 1,
              "clusters": [ { "name": "labclu", "provider": "Static", "settings": { "topologyFile": "topology.json" } } ],
              "servers": [ { "name": "pgvs", "cluster": "labclu", "engine": "PostgreSql",
                             "settings": { "walArchive": "/var/lab/wal", "archiveWaitSeconds": 600, "connectTimeoutSeconds": 120, "toolDirectory": "/usr/lib/postgresql/15/bin" } } ] }
            """);
        return true;
    });

    /// <summary>A schedule file (UTC) whose jobs back up pgvs/appdb onto <paramref name="share"/>, each on Monday at its time.</summary>
    public static string Schedule(string name, string share, params (string Job, string Type, string At)[] jobs) =>
        $$"""
        { "formatVersion": 1, "name": "{{name}}", "timeZone": "UTC", "jobs": [
        {{string.Join(",\n", jobs.Select(j => $$"""
          { "name": "{{j.Job}}", "type": "{{j.Type}}", "cluster": "labclu", "server": "pgvs", "databases": [ "appdb" ], "share": "{{share}}",
            "recurrence": { "days": [ "Monday" ], "at": "{{j.At}}" }, "expectedMinutes": 1, "learnDuration": false }
        """))}}
        ] }
        """;
}
