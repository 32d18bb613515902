using ClusterBackup.Engine.Schedule;
using Microsoft.Data.Sqlite;

namespace ClusterBackup.Engine.Catalog;

/// <summary>A lock a scheduled run holds in schedule_locks: who holds it, what the run touches, and when its process started.</summary>
public sealed record HeldScheduleLock(GuardHolder Holder, JobFootprint Footprint, DateTimeOffset? ProcessStarted);

/// <summary>
/// The schedule_locks and schedule_runs tables as the runtime guard uses them (docs/catalog.md). Taking a lock is
/// one immediate transaction (<see cref="InTransaction"/>) that first reads every lock held, so two processes
/// starting at once cannot both pass the conflict rule.
/// </summary>
public sealed class ScheduleLockCatalog(CatalogDatabase catalog)
{
    /// <summary>Runs <paramref name="work"/> in one immediate write transaction over the lock and run tables.</summary>
    public T InTransaction<T>(Func<ScheduleLockTransaction, T> work) => catalog.Write((c, t) => work(new ScheduleLockTransaction(c, t)));

    /// <summary>Moves the lease of <paramref name="runId"/> on; false when the lock is no longer there.</summary>
    public bool Renew(string runId, DateTimeOffset now, DateTimeOffset expires) =>
        catalog.Write((c, t) => CatalogDatabase.Execute(c, t,
            "UPDATE schedule_locks SET heartbeat_utc = $now, expires_utc = $exp WHERE run_id = $r",
            ("$now", CatalogTime.Format(now)), ("$exp", CatalogTime.Format(expires)), ("$r", runId)) == 1);

    /// <summary>Drops the lock and records how the run ended, in one transaction.</summary>
    public void Release(string runId, ScheduleRunStatus status, DateTimeOffset finished, string? message) =>
        catalog.Write((c, t) =>
        {
            CatalogDatabase.Execute(c, t, "DELETE FROM schedule_locks WHERE run_id = $r", ("$r", runId));
            CatalogDatabase.Execute(c, t, "UPDATE schedule_runs SET status = $st, finished_utc = $f, message = COALESCE($m, message) WHERE run_id = $r",
                ("$st", status.ToString()), ("$f", CatalogTime.Format(finished)), ("$m", message), ("$r", runId));
        });

    /// <summary>The locks held now.</summary>
    public IReadOnlyList<HeldScheduleLock> Locks() => catalog.Read(c => ScheduleLockTransaction.ReadLocks(c, null));
}

/// <summary>The lock and run tables inside one transaction of <see cref="ScheduleLockCatalog.InTransaction"/>.</summary>
public sealed class ScheduleLockTransaction
{
    private readonly SqliteConnection _connection;
    private readonly SqliteTransaction _transaction;

    internal ScheduleLockTransaction(SqliteConnection connection, SqliteTransaction transaction) =>
        (_connection, _transaction) = (connection, transaction);

    /// <summary>Every lock held, oldest first.</summary>
    public IReadOnlyList<HeldScheduleLock> Locks() => ReadLocks(_connection, _transaction);

    /// <summary>Removes a stale lock and marks its run Abandoned with the reason.</summary>
    public void Reclaim(string runId, DateTimeOffset now, string message)
    {
        CatalogDatabase.Execute(_connection, _transaction, "DELETE FROM schedule_locks WHERE run_id = $r", ("$r", runId));
        CatalogDatabase.Execute(_connection, _transaction,
            "UPDATE schedule_runs SET status = 'Abandoned', finished_utc = $f, message = $m WHERE run_id = $r AND status = 'Running'",
            ("$f", CatalogTime.Format(now)), ("$m", message), ("$r", runId));
    }

    /// <summary>Records a run: Running (it will take a lock) or Refused (finished at once, with the reason).</summary>
    public void RecordRun(string runId, JobFootprint job, string host, int processId, DateTimeOffset now, bool refused, string? message) =>
        CatalogDatabase.Execute(_connection, _transaction, """
            INSERT INTO schedule_runs(run_id, schedule_name, job_name, job_type, host, pid, started_utc, finished_utc, status, message)
            VALUES ($r, $s, $j, $t, $h, $p, $now, $fin, $st, $m)
            """, ("$r", runId), ("$s", job.Schedule), ("$j", job.Job), ("$t", job.Type.ToString()), ("$h", host), ("$p", processId),
            ("$now", CatalogTime.Format(now)), ("$fin", refused ? CatalogTime.Format(now) : null),
            ("$st", refused ? "Refused" : "Running"), ("$m", message));

    /// <summary>Takes the lock of a run recorded Running, with a lease until <paramref name="expires"/>.</summary>
    public void AddLock(string runId, JobFootprint job, string host, int processId, DateTimeOffset? processStarted, DateTimeOffset now, DateTimeOffset expires) =>
        CatalogDatabase.Execute(_connection, _transaction, """
            INSERT INTO schedule_locks(run_id, schedule_name, job_name, job_type, cluster, share, databases, host, pid, process_started_utc, acquired_utc, heartbeat_utc, expires_utc)
            VALUES ($r, $s, $j, $t, $c, $sh, $d, $h, $p, $ps, $now, $now, $exp)
            """, ("$r", runId), ("$s", job.Schedule), ("$j", job.Job), ("$t", job.Type.ToString()), ("$c", job.Cluster), ("$sh", job.Share),
            ("$d", string.Join("\n", job.Databases)), ("$h", host), ("$p", processId), ("$ps", processStarted is { } s ? CatalogTime.Format(s) : null),
            ("$now", CatalogTime.Format(now)), ("$exp", CatalogTime.Format(expires)));

    internal static IReadOnlyList<HeldScheduleLock> ReadLocks(SqliteConnection c, SqliteTransaction? t)
    {
        using var command = c.CreateCommand();
        command.Transaction = t;
        command.CommandText = "SELECT run_id, schedule_name, job_name, job_type, cluster, share, databases, host, pid, process_started_utc, acquired_utc, expires_utc FROM schedule_locks ORDER BY acquired_utc";
        using var reader = command.ExecuteReader();
        var locks = new List<HeldScheduleLock>();
        while (reader.Read())
        {
            var type = Enum.Parse<ScheduledJobType>(reader.ReadString(3));
            var holder = new GuardHolder(reader.ReadString(0), reader.ReadString(1), reader.ReadString(2), type, reader.ReadString(7), reader.ReadInt32(8),
                CatalogTime.Parse(reader.ReadString(10)), CatalogTime.Parse(reader.ReadString(11)));
            var databases = reader.ReadString(6).Split('\n', StringSplitOptions.RemoveEmptyEntries);
            var footprint = new JobFootprint(holder.Schedule, holder.Job, type, reader.IsDBNull(4) ? null : reader.ReadString(4),
                reader.IsDBNull(5) ? null : reader.ReadString(5), databases);
            locks.Add(new HeldScheduleLock(holder, footprint, reader.IsDBNull(9) ? null : CatalogTime.Parse(reader.ReadString(9))));
        }
        return locks;
    }
}
