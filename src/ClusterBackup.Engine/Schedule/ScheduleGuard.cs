using System.Diagnostics;
using ClusterBackup.Engine.Catalog;

namespace ClusterBackup.Engine.Schedule;

/// <summary>Who holds a lock that stopped a job from starting.</summary>
public sealed record GuardHolder(string RunId, string Schedule, string Job, ScheduledJobType Type, string Host, int ProcessId, DateTimeOffset Since, DateTimeOffset Expires);

/// <summary>The guard's answer: the run was admitted (and holds its lock), or refused because of <see cref="BlockedBy"/>.</summary>
public sealed record GuardDecision(string RunId, bool Admitted, GuardHolder? BlockedBy, string? Reason, IReadOnlyList<string> Reclaimed);

/// <summary>
/// The runtime guard: before a scheduled job starts it takes a lock in the catalog (<see cref="ScheduleLockCatalog"/>),
/// in one immediate transaction that first looks at every lock held. A lock whose holder conflicts (<see cref="JobConflictRule"/>) refuses the
/// start; the refusal is recorded as a run with status Refused. Locks are leases: the holder renews them
/// (<see cref="Heartbeat"/>) and a lock whose lease expired, or whose holder process on this host is gone (checked
/// by process id and start time, so a reused id does not count), is reclaimed and its run marked Abandoned.
/// A crashed job therefore blocks others at most for one lease.
/// </summary>
public sealed class ScheduleGuard
{
    public static readonly TimeSpan DefaultLease = TimeSpan.FromMinutes(2);

    private readonly ScheduleLockCatalog _locks;
    private readonly TimeProvider _clock;
    private readonly Func<int, DateTimeOffset?, bool> _processAlive;

    public ScheduleGuard(CatalogDatabase catalog, TimeProvider? clock = null, string? host = null, Func<int, DateTimeOffset?, bool>? processAlive = null)
    {
        _locks = new ScheduleLockCatalog(catalog);
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
        return _locks.InTransaction(locks =>
        {
            var now = _clock.GetUtcNow();
            var reclaimed = new List<string>();
            GuardHolder? blocker = null;
            string? reason = null;
            foreach (var (holder, footprint, processStart) in locks.Locks())
            {
                var stale = Staleness(holder, processStart, now);
                if (stale is not null)
                {
                    locks.Reclaim(holder.RunId, now, $"Lock reclaimed: {stale}.");
                    reclaimed.Add($"'{holder.Job}' (run {holder.RunId[..8]} on {holder.Host}, pid {holder.ProcessId}): {stale}");
                    continue;
                }
                if (blocker is null && JobConflictRule.Reason(job, footprint) is { } why)
                    (blocker, reason) = (holder, why);
            }
            var message = blocker is null ? null
                : $"Refused to start '{job.Job}': '{blocker.Job}' ({blocker.Type.DisplayName()}) has been running since {blocker.Since:u} on {blocker.Host} (pid {blocker.ProcessId}); {reason}.";
            locks.RecordRun(runId, job, Host, pid, now, refused: blocker is not null, message);
            if (blocker is null)
                locks.AddLock(runId, job, Host, pid, started, now, now + Lease);
            return new GuardDecision(runId, blocker is null, blocker, message, reclaimed);
        });
    }

    /// <summary>
    /// Why the lock of <paramref name="holder"/> has no live holder at <paramref name="now"/>: its lease expired, or its process on this
    /// host is gone (id and start time); null while it is held. The one rule for reclaiming a lock and for reporting a run as abandoned.
    /// </summary>
    public string? Staleness(GuardHolder holder, DateTimeOffset? processStarted, DateTimeOffset now) =>
        holder.Expires <= now
            ? $"its lease expired at {holder.Expires:u} without a heartbeat"
            : string.Equals(holder.Host, Host, StringComparison.OrdinalIgnoreCase) && !_processAlive(holder.ProcessId, processStarted)
                ? $"process {holder.ProcessId} on {holder.Host} is gone"
                : null;

    /// <summary>The locks held now, for reading only: the catalog is not written.</summary>
    public IReadOnlyList<HeldScheduleLock> HeldLocks() => _locks.Locks();

    /// <summary>The clock the guard judges leases by.</summary>
    public DateTimeOffset Now => _clock.GetUtcNow();

    /// <summary>Renews the lease; false when the lock is no longer there (it was reclaimed as stale).</summary>
    public bool Heartbeat(string runId)
    {
        var now = _clock.GetUtcNow();
        return _locks.Renew(runId, now, now + Lease);
    }

    /// <summary>Drops the lock and records how the run ended, in one transaction.</summary>
    public void Release(string runId, ScheduleRunStatus status, string? message = null) => _locks.Release(runId, status, _clock.GetUtcNow(), message);

    /// <summary>The locks held now, for display.</summary>
    public IReadOnlyList<GuardHolder> Holders() => _locks.Locks().Select(l => l.Holder).ToList();

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
