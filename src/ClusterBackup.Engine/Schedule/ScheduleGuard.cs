using System.Diagnostics;
using ClusterBackup.Engine.Catalog;
using Microsoft.Data.Sqlite;

namespace ClusterBackup.Engine.Schedule;

/// <summary>Who holds a lock that stopped a job from starting.</summary>
public sealed record GuardHolder(string RunId, string Schedule, string Job, ScheduledJobType Type, string Host, int ProcessId, DateTimeOffset Since, DateTimeOffset Expires);

/// <summary>The guard's answer: the run was admitted (and holds its lock), or refused because of <see cref="BlockedBy"/>.</summary>
public sealed record GuardDecision(string RunId, bool Admitted, GuardHolder? BlockedBy, string? Reason, IReadOnlyList<string> Reclaimed);

/// <summary>
/// The runtime guard: before a scheduled job starts it takes a lock in the catalog, in one immediate transaction
/// that first looks at every lock held. A lock whose holder conflicts (<see cref="JobConflictRule"/>) refuses the
/// start; the refusal is recorded as a run with status Refused. Locks are leases: the holder renews them
/// (<see cref="Heartbeat"/>) and a lock whose lease expired, or whose holder process on this host is gone (checked
/// by process id and start time, so a reused id does not count), is reclaimed and its run marked Abandoned.
/// A crashed job therefore blocks others at most for one lease.
/// </summary>
public sealed class ScheduleGuard
{
    public static readonly TimeSpan DefaultLease = TimeSpan.FromMinutes(2);

    private readonly CatalogDatabase _catalog;
    private readonly TimeProvider _clock;
    private readonly Func<int, DateTimeOffset?, bool> _processAlive;

    public ScheduleGuard(CatalogDatabase catalog, TimeProvider? clock = null, string? host = null, Func<int, DateTimeOffset?, bool>? processAlive = null)
    {
        _catalog = catalog;
        _clock = clock ?? TimeProvider.System;
        Host = host ?? Environment.MachineName;
        _processAlive = processAlive ?? ProcessAlive;
    }

    public string Host { get; }

    public TimeSpan Lease { get; init; } = DefaultLease;

    /// <summary>Admits the job and records it Running with a lock, or records it Refused; never waits.</summary>
    public GuardDecision TryAcquire(JobFootprint job, int? processId = null, DateTimeOffset? processStarted = null)
    {
        var runId = Guid.NewGuid().ToString("N");
        var pid = processId ?? Environment.ProcessId;
        var started = processStarted ?? CurrentProcessStart();
        return _catalog.Write((c, t) =>
        {
            var now = _clock.GetUtcNow();
            var reclaimed = new List<string>();
            GuardHolder? blocker = null;
            string? reason = null;
            foreach (var (holder, footprint, processStart) in Locks(c, t))
            {
                var stale = holder.Expires <= now
                    ? $"its lease expired at {holder.Expires:u} without a heartbeat"
                    : string.Equals(holder.Host, Host, StringComparison.OrdinalIgnoreCase) && !_processAlive(holder.ProcessId, processStart)
                        ? $"process {holder.ProcessId} on {holder.Host} is gone"
                        : null;
                if (stale is not null)
                {
                    CatalogDatabase.Execute(c, t, "DELETE FROM schedule_locks WHERE run_id = $r", ("$r", holder.RunId));
                    CatalogDatabase.Execute(c, t, "UPDATE schedule_runs SET status = 'Abandoned', finished_utc = $f, message = $m WHERE run_id = $r AND status = 'Running'",
                        ("$f", CatalogTime.Format(now)), ("$m", $"Lock reclaimed: {stale}."), ("$r", holder.RunId));
                    reclaimed.Add($"'{holder.Job}' (run {holder.RunId[..8]} on {holder.Host}, pid {holder.ProcessId}): {stale}");
                    continue;
                }
                if (blocker is null && JobConflictRule.Reason(job, footprint) is { } why)
                    (blocker, reason) = (holder, why);
            }
            var message = blocker is null ? null
                : $"Refused to start '{job.Job}': '{blocker.Job}' ({blocker.Type.DisplayName()}) has been running since {blocker.Since:u} on {blocker.Host} (pid {blocker.ProcessId}); {reason}.";
            CatalogDatabase.Execute(c, t, """
                INSERT INTO schedule_runs(run_id, schedule_name, job_name, job_type, host, pid, started_utc, finished_utc, status, message)
                VALUES ($r, $s, $j, $t, $h, $p, $now, $fin, $st, $m)
                """, ("$r", runId), ("$s", job.Schedule), ("$j", job.Job), ("$t", job.Type.ToString()), ("$h", Host), ("$p", pid),
                ("$now", CatalogTime.Format(now)), ("$fin", blocker is null ? null : CatalogTime.Format(now)),
                ("$st", blocker is null ? "Running" : "Refused"), ("$m", message));
            if (blocker is null)
                CatalogDatabase.Execute(c, t, """
                    INSERT INTO schedule_locks(run_id, schedule_name, job_name, job_type, cluster, share, databases, host, pid, process_started_utc, acquired_utc, heartbeat_utc, expires_utc)
                    VALUES ($r, $s, $j, $t, $c, $sh, $d, $h, $p, $ps, $now, $now, $exp)
                    """, ("$r", runId), ("$s", job.Schedule), ("$j", job.Job), ("$t", job.Type.ToString()), ("$c", job.Cluster), ("$sh", job.Share),
                    ("$d", string.Join("\n", job.Databases)), ("$h", Host), ("$p", pid), ("$ps", started is { } s ? CatalogTime.Format(s) : null),
                    ("$now", CatalogTime.Format(now)), ("$exp", CatalogTime.Format(now + Lease)));
            return new GuardDecision(runId, blocker is null, blocker, message, reclaimed);
        });
    }

    /// <summary>Renews the lease; false when the lock is no longer there (it was reclaimed as stale).</summary>
    public bool Heartbeat(string runId)
    {
        var now = _clock.GetUtcNow();
        return _catalog.Write((c, t) => CatalogDatabase.Execute(c, t,
            "UPDATE schedule_locks SET heartbeat_utc = $now, expires_utc = $exp WHERE run_id = $r",
            ("$now", CatalogTime.Format(now)), ("$exp", CatalogTime.Format(now + Lease)), ("$r", runId)) == 1);
    }

    /// <summary>Drops the lock and records how the run ended, in one transaction.</summary>
    public void Release(string runId, ScheduleRunStatus status, string? message = null)
    {
        var now = _clock.GetUtcNow();
        _catalog.Write((c, t) =>
        {
            CatalogDatabase.Execute(c, t, "DELETE FROM schedule_locks WHERE run_id = $r", ("$r", runId));
            CatalogDatabase.Execute(c, t, "UPDATE schedule_runs SET status = $st, finished_utc = $f, message = COALESCE($m, message) WHERE run_id = $r",
                ("$st", status.ToString()), ("$f", CatalogTime.Format(now)), ("$m", message), ("$r", runId));
        });
    }

    /// <summary>The locks held now, for display.</summary>
    public IReadOnlyList<GuardHolder> Holders() => _catalog.Read(c => Locks(c, null).Select(l => l.Holder).ToList());

    private static List<(GuardHolder Holder, JobFootprint Footprint, DateTimeOffset? ProcessStart)> Locks(SqliteConnection c, SqliteTransaction? t)
    {
        using var command = c.CreateCommand();
        command.Transaction = t;
        command.CommandText = "SELECT run_id, schedule_name, job_name, job_type, cluster, share, databases, host, pid, process_started_utc, acquired_utc, expires_utc FROM schedule_locks ORDER BY acquired_utc";
        using var reader = command.ExecuteReader();
        var locks = new List<(GuardHolder, JobFootprint, DateTimeOffset?)>();
        while (reader.Read())
        {
            var type = Enum.Parse<ScheduledJobType>(reader.GetString(3));
            var holder = new GuardHolder(reader.GetString(0), reader.GetString(1), reader.GetString(2), type, reader.GetString(7), reader.GetInt32(8),
                CatalogTime.Parse(reader.GetString(10)), CatalogTime.Parse(reader.GetString(11)));
            var databases = reader.GetString(6).Split('\n', StringSplitOptions.RemoveEmptyEntries);
            var footprint = new JobFootprint(holder.Schedule, holder.Job, type, reader.IsDBNull(4) ? null : reader.GetString(4),
                reader.IsDBNull(5) ? null : reader.GetString(5), databases);
            locks.Add((holder, footprint, reader.IsDBNull(9) ? null : CatalogTime.Parse(reader.GetString(9))));
        }
        return locks;
    }

    private static DateTimeOffset? CurrentProcessStart()
    {
        try { return Process.GetCurrentProcess().StartTime.ToUniversalTime(); }
        catch (Exception ex) when (ex is InvalidOperationException or NotSupportedException or System.ComponentModel.Win32Exception) { return null; }
    }

    /// <summary>True when a process with this id runs and (when known) started when the lock says, within a second.</summary>
    public static bool ProcessAlive(int processId, DateTimeOffset? started)
    {
        try
        {
            using var process = Process.GetProcessById(processId);
            if (process.HasExited)
                return false;
            if (started is not { } expected)
                return true;
            var actual = new DateTimeOffset(process.StartTime.ToUniversalTime(), TimeSpan.Zero);
            return (actual - expected).Duration() < TimeSpan.FromSeconds(1);
        }
        catch (ArgumentException)
        {
            return false;
        }
        catch (Exception ex) when (ex is InvalidOperationException or System.ComponentModel.Win32Exception or NotSupportedException)
        {
            // Cannot tell (another user's process): treat as alive; the lease still expires.
            return true;
        }
    }
}
