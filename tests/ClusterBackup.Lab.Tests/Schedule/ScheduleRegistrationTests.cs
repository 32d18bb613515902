using System.Globalization;
using System.Text.Json;
using ClusterBackup.Engine.Schedule;
using ClusterBackup.Engine.Schedule.Export;
using ClusterBackup.Lab.Tests.Infrastructure;

namespace ClusterBackup.Lab.Tests.Schedule;

/// <summary>
/// The schedule registered with the guest's real systemd (PID 1) and cron, with the guest's clock moved only forward
/// (<see cref="GuestClock"/>). An active timer does not re-base after a
/// clock change, and registering takes tens of seconds in the guest, so a test that waits for a firing registers
/// first, then stops the timers (or cron), sets the clock and starts them again: the next run is then computed from
/// the set clock however long registration took.
/// </summary>
[Collection(LabCollection.Name)]
public sealed class ScheduleRegistrationTests(LabFixture lab)
{
    private const string Cli = "clusterbackup";

    [LabFact]
    public async Task Registering_the_weekly_template_installs_timers_whose_next_runs_are_the_models_and_unregister_removes_them()
    {
        var guest = lab.Guest;
        await GuestClock.StartAsync(lab);
        var wednesday = GuestClock.Next(await GuestClock.NowAsync(guest), DayOfWeek.Wednesday, new TimeOnly(12, 0));
        await guest.CheckAsync($"date -u -s '{GuestClock.Format(wednesday)} UTC' >/dev/null && mkdir -p /var/lab/weekly");
        await guest.CheckAsync("clusterbackup schedule new --path /var/lab/weekly/weekly.json --time-zone America/New_York --name weekly --force");
        var registered = await guest.CheckAsync("clusterbackup schedule register -s /var/lab/weekly/weekly.json --scheduler systemd --catalog /var/lab/weekly/catalog.db -o json");
        var schedule = ScheduleFile.Parse(await guest.CheckAsync("cat /var/lab/weekly/weekly.json"), "weekly.json");
        var now = DateTimeOffset.Parse(await guest.CheckAsync("date -u +%FT%TZ"), CultureInfo.InvariantCulture);
        var occurrences = ScheduleExpander.Expand(schedule, now, now.AddDays(8));
        var enabled = schedule.Jobs.Where(j => j.Enabled).ToList();
        Assert.Equal(enabled.Count * 2, JsonDocument.Parse(registered).RootElement.GetArrayLength());
        foreach (var job in enabled)
        {
            var unit = $"clusterbackup-{ExportOptions.Slug(schedule.Name)}-{ExportOptions.Slug(job.Name)}.timer";
            var state = await guest.CheckAsync($"systemctl is-active {unit}; TZ=UTC systemctl show -P NextElapseUSecRealtime {unit}");
            var lines = state.Trim().Split('\n');
            Assert.Equal("active", lines[0]);
            // "Thu 2031-03-06 06:00:00 UTC"
            var next = DateTimeOffset.ParseExact(lines[1][4..^4], "yyyy-MM-dd HH:mm:ss", CultureInfo.InvariantCulture, DateTimeStyles.AssumeUniversal);
            var model = occurrences.Where(o => o.JobName == job.Name && o.Start > now).Min(o => o.Start);
            Assert.True(model == next, $"{unit}: systemd's next run {next:u}, the model's {model:u}");
        }
        var listed = await guest.CheckAsync("systemctl list-timers --all --no-pager --no-legend 'clusterbackup-weekly-*' | wc -l");
        Assert.Equal(enabled.Count.ToString(), listed.Trim());

        var removed = await guest.CheckAsync("clusterbackup schedule unregister -s /var/lab/weekly/weekly.json --scheduler systemd -o json");
        Assert.Equal(enabled.Count * 2, JsonDocument.Parse(removed).RootElement.GetArrayLength());
        var left = await guest.CheckAsync("ls /etc/systemd/system | grep -c '^clusterbackup-weekly-' || true; systemctl list-timers --all --no-pager --no-legend 'clusterbackup-weekly-*' | wc -l");
        Assert.Equal("0\n0", left.Trim());
    }

    [LabFact]
    public async Task A_timer_runs_the_real_backup_and_the_runtime_guard_refuses_a_conflicting_job_with_exit_75()
    {
        await GuestClock.StartAsync(lab);
        await GuestPostgreSql.EnsureAsync(lab);
        var guest = lab.Guest;
        // Monday: the full backup's timer fires at 10:01, the log backup's at 11:04 (held mid-run by holding WAL
        // archiving), and a full backup of the same database at 11:05, which the guard must refuse. The hour between
        // leaves the full backup all the time the guest needs, however slow it is.
        await guest.CheckAsync("mkdir -p /var/lab/timers/share");
        await guest.WriteFileAsync("/var/lab/timers/jobs.json", GuestPostgreSql.Schedule("labtimers", "/var/lab/timers/share",
            ("full", "FullDbWithInit", "10:01"), ("log", "TransDbNoInit", "11:04"), ("full-again", "FullDbNoInit", "11:05")));
        const string history = Cli + " schedule history -s /var/lab/timers/jobs.json --catalog /var/lab/backup/timers.db -o json";
        const string timers = "clusterbackup-labtimers-full.timer clusterbackup-labtimers-log.timer clusterbackup-labtimers-full-again.timer";
        // Registered at the start of the Monday the test runs on: systemd computes a timer's next run from when it was
        // started, so no run of the jobs' times may lie between that moment and the clock the test then sets.
        var monday = GuestClock.Next(await GuestClock.NowAsync(guest), DayOfWeek.Monday, TimeOnly.MinValue);
        await guest.CheckAsync($"date -u -s '{GuestClock.Format(monday)} UTC' >/dev/null");
        await guest.CheckAsync(Cli + " schedule register -s /var/lab/timers/jobs.json --scheduler systemd --catalog /var/lab/backup/timers.db");
        try
        {
            await SetClockAndRestartAsync(monday.AddHours(10).AddSeconds(45), timers);
            Assert.Equal(GuestClock.Format(monday.AddHours(10).AddMinutes(1)), await NextElapseAsync("clusterbackup-labtimers-full.timer"));
            await WaitForRunAsync(history, "full", "Succeeded", TimeSpan.FromMinutes(10));
            var now = await guest.CheckAsync("date -u +%H:%M:%S");
            Assert.True(string.CompareOrdinal(now.Trim(), "11:03:45") < 0, $"the full backup ran past 11:03:45 ({now.Trim()}); the log backup's slot would overlap it");
            // Nothing runs until 11:04: skip the idle minutes. The timers re-base when started again; no job is running, so
            // no heartbeat straddles the jump.
            // Only the timers still to fire today are restarted: a timer restarted after it fired today would fire again.
            await SetClockAndRestartAsync(monday.AddHours(11).AddMinutes(3).AddSeconds(50), "clusterbackup-labtimers-log.timer clusterbackup-labtimers-full-again.timer");
            Assert.Equal(GuestClock.Format(monday.AddHours(11).AddMinutes(4)), await NextElapseAsync("clusterbackup-labtimers-log.timer"));
            await guest.CheckAsync($"touch {GuestPostgreSql.Hold}");
            await WaitForRunAsync(history, "log", "Running", TimeSpan.FromMinutes(5));
            await WaitForRunAsync(history, "full-again", "Refused", TimeSpan.FromMinutes(5));
            var unit = await guest.CheckAsync("systemctl show -P ExecMainStatus clusterbackup-labtimers-full-again.service; systemctl status --no-pager clusterbackup-labtimers-full-again.service || true");
            Assert.StartsWith("75\n", unit);
            Assert.Contains("status=75", unit);
            await guest.CheckAsync($"rm -f {GuestPostgreSql.Hold}");
            await WaitForRunAsync(history, "log", "Succeeded", TimeSpan.FromMinutes(8));
            var sets = JsonDocument.Parse(await guest.CheckAsync(Cli + " catalog list --server pgvs --catalog /var/lab/backup/timers.db -o json")).RootElement;
            Assert.Equal(["Full", "Log"], sets.EnumerateArray().Select(s => s.GetProperty("Type").ToString()).Order());
        }
        finally
        {
            await guest.RunAsync($"rm -f {GuestPostgreSql.Hold}; " + Cli + " schedule unregister -s /var/lab/timers/jobs.json --scheduler systemd");
        }
        Assert.Equal("0", (await guest.CheckAsync("ls /etc/systemd/system | grep -c '^clusterbackup-labtimers-' || true")).Trim());
    }

    [LabFact]
    public async Task The_exported_crontab_lines_run_the_real_backup_under_cron()
    {
        await GuestClock.StartAsync(lab);
        await GuestPostgreSql.EnsureAsync(lab);
        var guest = lab.Guest;
        await guest.CheckAsync("mkdir -p /var/lab/cron/share");
        await guest.WriteFileAsync("/var/lab/cron/jobs.json", GuestPostgreSql.Schedule("labcron", "/var/lab/cron/share", ("full", "FullDbWithInit", "10:01")));
        const string history = Cli + " schedule history -s /var/lab/cron/jobs.json --catalog /var/lab/backup/cron.db -o json";
        // cron and systemd start the job with a bare environment: it finds clusterbackup.json next to its catalog.
        await guest.CheckAsync("clusterbackup schedule register -s /var/lab/cron/jobs.json --scheduler cron --catalog /var/lab/backup/cron.db");
        try
        {
            Assert.Contains("# BEGIN ClusterBackup schedule labcron", await guest.CheckAsync("crontab -l"));
            // cron computes its next minute from the clock it starts with.
            var monday = GuestClock.Next(await GuestClock.NowAsync(guest), DayOfWeek.Monday, new TimeOnly(10, 0, 45));
            await SetClockAndRestartAsync(monday, "cron.service");
            await WaitForRunAsync(history, "full", "Succeeded", TimeSpan.FromMinutes(10));
            Assert.Contains("CMD (", await guest.CheckAsync("journalctl -u cron --no-pager | grep clusterbackup"));
        }
        finally
        {
            await guest.RunAsync("clusterbackup schedule unregister -s /var/lab/cron/jobs.json --scheduler cron");
        }
        Assert.DoesNotContain("labcron", (await guest.RunAsync("crontab -l")).Output);
    }

    /// <summary>Stops <paramref name="units"/>, sets the guest's UTC clock and starts them, so they compute their next run from it.</summary>
    private async Task SetClockAndRestartAsync(DateTime utc, string units) =>
        await lab.Guest.CheckAsync($"systemctl stop {units} && date -u -s '{GuestClock.Format(utc)} UTC' >/dev/null && systemctl start {units}");

    /// <summary>The next elapse of a timer as "yyyy-MM-dd HH:mm:ss" in UTC.</summary>
    private async Task<string> NextElapseAsync(string timer)
    {
        // "Mon 2031-03-10 10:01:00 UTC"
        var shown = (await lab.Guest.CheckAsync($"TZ=UTC systemctl show -P NextElapseUSecRealtime {timer}")).Trim();
        return shown.Length > 8 ? shown[4..^4] : shown;
    }

    /// <summary>Polls the catalog's run history until <paramref name="job"/> has a run in <paramref name="status"/>.</summary>
    private async Task WaitForRunAsync(string historyCommand, string job, string status, TimeSpan timeout)
    {
        var deadline = DateTime.UtcNow + timeout;
        var last = "";
        while (DateTime.UtcNow < deadline)
        {
            var result = await lab.Guest.RunAsync(historyCommand);
            last = result.Output;
            if (result.Succeeded && last.TrimStart().StartsWith('[')
                && JsonDocument.Parse(last).RootElement.EnumerateArray().Any(r => r.GetProperty("Job").GetString() == job && r.GetProperty("Status").ToString() == status))
                return;
            await Task.Delay(TimeSpan.FromSeconds(5));
        }
        Assert.Fail($"job {job} has no {status} run after {timeout.TotalMinutes:0} min; history:\n{last}\nunit/cron journal:\n" +
                    (await lab.Guest.RunAsync("journalctl -n 60 --no-pager -u 'clusterbackup-*' -u cron")).Output);
    }
}
