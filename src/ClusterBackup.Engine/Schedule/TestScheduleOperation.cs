using System.Globalization;
using ClusterBackup.Engine.Catalog;
using ClusterBackup.Engine.Common;

namespace ClusterBackup.Engine.Schedule;

/// <summary>What to check: a schedule over [From, To) (default: the week from Monday 00:00 in the schedule's zone).</summary>
/// <param name="Schedule">The schedule to check.</param>
/// <param name="From">Start of the horizon.</param>
/// <param name="To">End of the horizon (exclusive); default a week after From.</param>
/// <param name="Durations">How long each job is expected to run; default its ExpectedDuration, or the learned one with <paramref name="Learned"/>.</param>
/// <param name="Learned">Use the durations learned from the catalog's run history (<see cref="DurationEstimator"/>); the operation needs the catalog.</param>
public sealed record TestScheduleRequest(BackupSchedule Schedule, DateTimeOffset? From = null, DateTimeOffset? To = null,
    Func<ScheduledJob, TimeSpan>? Durations = null, bool Learned = false);

/// <summary>The planned runs of the horizon and every conflict among them; <see cref="IsSafe"/> when there is none.</summary>
public sealed record OverlapCheckResult(BackupSchedule Schedule, DateTimeOffset From, DateTimeOffset To, IReadOnlyList<ScheduleOccurrence> Occurrences, IReadOnlyList<ScheduleConflict> Conflicts)
{
    public bool IsSafe => Conflicts.Count == 0;
}

/// <summary>
/// Test-ClusterBackupSchedule, Show-ClusterBackupWeek and `clusterbackup schedule test|week`: the overlap proof. It expands every enabled job over the horizon (plus the runs that start earlier and are still
/// going), compares every pair of runs that overlap in time with <see cref="JobConflictRule"/>, and for each conflict
/// searches the smallest whole-minute shift of either job, earlier or later, after which the two no longer meet and
/// the moved job meets no one it did not meet before. It changes nothing, and runs on the calling thread.
/// </summary>
/// <param name="runHistory">The catalog whose run history gives learned durations; needed only for a request with Learned.</param>
public sealed class TestScheduleOperation(CatalogDatabase? runHistory = null)
{
    private static readonly TimeSpan MaxShift = TimeSpan.FromDays(1);

    public Task<OverlapCheckResult> RunAsync(TestScheduleRequest request, IOperationReporter reporter, CancellationToken cancellationToken)
    {
        cancellationToken.ThrowIfCancellationRequested();
        return Task.FromResult(Check(request, cancellationToken));
    }

    private OverlapCheckResult Check(TestScheduleRequest request, CancellationToken cancellationToken)
    {
        var schedule = request.Schedule;
        schedule.Validate();
        var from = request.From ?? ScheduleExpander.StartOfWeek(schedule, DateTimeOffset.UtcNow);
        var to = request.To ?? from.AddDays(7);
        if (to <= from)
            throw new ClusterBackupException(ErrorKind.InvalidArgument, schedule.Name, $"The horizon ends ({to:u}) before it starts ({from:u}).");
        if (request.Learned && runHistory is null)
            throw new ClusterBackupException(ErrorKind.InvalidArgument, schedule.Name, "Learned durations need the catalog that holds the run history.");
        var durations = request.Durations
            ?? (request.Learned ? new DurationEstimator(runHistory!, schedule.Name).Expected : j => j.ExpectedDuration);
        var longest = schedule.Jobs.Where(j => j.Enabled).Select(durations).DefaultIfEmpty(TimeSpan.Zero).Max();
        var zone = schedule.ResolveTimeZone();
        // Runs that start before the horizon but are still going inside it count too.
        var all = ScheduleExpander.Expand(schedule, from - longest - MaxShift, to + MaxShift, durations);
        var footprints = schedule.Jobs.ToDictionary(j => j.Name, j => JobFootprint.Of(schedule, j), StringComparer.OrdinalIgnoreCase);
        var conflicts = new List<ScheduleConflict>();
        foreach (var (first, second, reason) in FindConflicts(all, footprints))
        {
            cancellationToken.ThrowIfCancellationRequested();
            if (second.Start < from || second.Start >= to)
                continue;
            var overlapEnd = first.End < second.End ? first.End : second.End;
            var (shiftJob, shift, suggestion) = SmallestShift(all, footprints, first, second, zone);
            conflicts.Add(new ScheduleConflict
            {
                Schedule = schedule.Name,
                FirstJob = first.Job.Name,
                SecondJob = second.Job.Name,
                FirstStart = TimeZoneInfo.ConvertTime(first.Start, zone),
                FirstEnd = TimeZoneInfo.ConvertTime(first.End, zone),
                SecondStart = TimeZoneInfo.ConvertTime(second.Start, zone),
                SecondEnd = TimeZoneInfo.ConvertTime(second.End, zone),
                OverlapStart = TimeZoneInfo.ConvertTime(second.Start, zone),
                Overlap = overlapEnd - second.Start,
                Reason = reason,
                ShiftJob = shiftJob,
                Shift = shift,
                Suggestion = suggestion,
            });
        }
        var inHorizon = all.Where(o => o.Start >= from && o.Start < to).ToList();
        return new OverlapCheckResult(schedule, from, to, inHorizon, conflicts);
    }

    /// <summary>Every pair of runs (earlier first) that overlap in time and may not.</summary>
    private static List<(ScheduleOccurrence First, ScheduleOccurrence Second, string Reason)> FindConflicts(
        IReadOnlyList<ScheduleOccurrence> occurrences, IReadOnlyDictionary<string, JobFootprint> footprints)
    {
        var sorted = occurrences.OrderBy(o => o.Start).ThenBy(o => o.Job.Name, StringComparer.Ordinal).ToList();
        var found = new List<(ScheduleOccurrence, ScheduleOccurrence, string)>();
        for (var i = 0; i < sorted.Count; i++)
            for (var j = i + 1; j < sorted.Count && sorted[j].Start < sorted[i].End; j++)
                if (JobConflictRule.Reason(footprints[sorted[i].Job.Name], footprints[sorted[j].Job.Name]) is { } reason)
                    found.Add((sorted[i], sorted[j], reason));
        return found;
    }

    private static (string? Job, TimeSpan? Shift, string Text) SmallestShift(IReadOnlyList<ScheduleOccurrence> all,
        IReadOnlyDictionary<string, JobFootprint> footprints, ScheduleOccurrence first, ScheduleOccurrence second, TimeZoneInfo zone)
    {
        var a = first.Job;
        var b = second.Job;
        if (string.Equals(a.Name, b.Name, StringComparison.OrdinalIgnoreCase))
            return (null, null, $"'{a.Name}' runs {Minutes(first.Duration)} but starts again after {Minutes(second.Start - first.Start)}: shorten the run or widen the interval");
        var separateLater = RoundUp(first.End - second.Start);
        var separateEarlier = RoundUp(second.End - first.Start);
        var candidates = new (ScheduledJob Job, ScheduledJob Other, int Direction, TimeSpan Minimum)[]
        {
            (b, a, +1, separateLater), (a, b, -1, separateLater), (b, a, -1, separateEarlier), (a, b, +1, separateEarlier),
        };
        (ScheduledJob Job, TimeSpan Shift)? best = null;
        foreach (var (job, other, direction, minimum) in candidates)
        {
            var before = ThirdPartyConflicts(FindConflicts(all, footprints), job, other);
            for (var magnitude = minimum; magnitude <= MaxShift; magnitude += TimeSpan.FromMinutes(1))
            {
                if (best is { } current && magnitude >= current.Shift.Duration())
                    break;
                var shift = direction * magnitude;
                var shifted = all.Select(o => o.Job == job ? o with { Start = o.Start + shift, End = o.End + shift } : o).ToList();
                var after = FindConflicts(shifted, footprints);
                var stillMeets = after.Any(c => Involves(c, job) && Involves(c, other));
                if (!stillMeets && ThirdPartyConflicts(after, job, other) <= before)
                {
                    best = (job, shift);
                    break;
                }
            }
        }
        if (best is not { } fix)
            return (null, null, $"no shift of '{a.Name}' or '{b.Name}' within a day removes the conflict without adding another");
        var at = fix.Job.Recurrence.At;
        var moved = at.Add(fix.Shift);
        var direction_ = fix.Shift > TimeSpan.Zero ? "later" : "earlier";
        var series = fix.Job.Recurrence.EveryHours is null ? "" : "the series ";
        return (fix.Job.Name, fix.Shift,
            $"start {series}'{fix.Job.Name}' {Minutes(fix.Shift.Duration())} {direction_} ({Clock(at)} -> {Clock(moved)})");
    }

    private static int ThirdPartyConflicts(List<(ScheduleOccurrence First, ScheduleOccurrence Second, string Reason)> conflicts, ScheduledJob job, ScheduledJob other) =>
        conflicts.Count(c => Involves(c, job) && !Involves(c, other));

    private static bool Involves((ScheduleOccurrence First, ScheduleOccurrence Second, string Reason) conflict, ScheduledJob job) =>
        conflict.First.Job == job || conflict.Second.Job == job;

    private static TimeSpan RoundUp(TimeSpan value) => TimeSpan.FromMinutes(Math.Max(1, Math.Ceiling(value.TotalMinutes)));

    internal static string Minutes(TimeSpan value) =>
        value.TotalMinutes < 120 ? $"{value.TotalMinutes:0} min" : $"{Math.Floor(value.TotalHours):0} h {value.Minutes:00} min";

    private static string Clock(TimeOnly time) => time.ToString("HH:mm", CultureInfo.InvariantCulture);
}
