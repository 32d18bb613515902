namespace ClusterBackup.Engine.Schedule;

/// <summary>
/// The built-in schedule (`weekly`): the coordinated week. Log backups to the share every three hours without init (02:30, 05:30, ... 23:30); full backups at
/// 01:00, initialising the share on Mondays and Thursdays and appending on the other days; the share to tape at
/// 04:30 on Wednesdays and Sundays, between the 02:30 and 05:30 log backups, so no database -> share job ever
/// overlaps the tape job. A TransDB With Init job at 03:30 is in the template but disabled: running it would start
/// a new log media set and cut the log chain the next tape copy needs, so it is there for admins who re-initialise
/// the log share by hand. The expected durations are
/// placeholders to be replaced by learned ones.
/// </summary>
public static class WeeklyScheduleTemplate
{
    public const string DefaultName = "weekly";

    public static BackupSchedule Create(string? timeZone = null, string name = DefaultName, string cluster = "SQLCLUSTER",
        string server = "SQLVS1", string database = "PREPAID", string share = @"\\BACKUPSRV\DBBackup")
    {
        IReadOnlyList<string> databases = [database];
        return new BackupSchedule
        {
            Name = name,
            TimeZone = timeZone ?? TimeZoneInfo.Local.Id,
            Jobs =
            [
                new ScheduledJob
                {
                    Name = "full-with-init", Type = ScheduledJobType.FullDbWithInit, Cluster = cluster, Server = server, Databases = databases, Share = share,
                    Recurrence = new Recurrence { Days = [DayOfWeek.Monday, DayOfWeek.Thursday], At = new TimeOnly(1, 0) },
                    ExpectedDuration = TimeSpan.FromMinutes(75),
                },
                new ScheduledJob
                {
                    Name = "full-no-init", Type = ScheduledJobType.FullDbNoInit, Cluster = cluster, Server = server, Databases = databases, Share = share,
                    Recurrence = new Recurrence { Days = [DayOfWeek.Tuesday, DayOfWeek.Wednesday, DayOfWeek.Friday, DayOfWeek.Saturday, DayOfWeek.Sunday], At = new TimeOnly(1, 0) },
                    ExpectedDuration = TimeSpan.FromMinutes(75),
                },
                new ScheduledJob
                {
                    Name = "log-with-init", Type = ScheduledJobType.TransDbWithInit, Cluster = cluster, Server = server, Databases = databases, Share = share,
                    Recurrence = new Recurrence { Days = [], At = new TimeOnly(3, 30) },
                    ExpectedDuration = TimeSpan.FromMinutes(20),
                    Enabled = false,
                },
                new ScheduledJob
                {
                    Name = "log-no-init", Type = ScheduledJobType.TransDbNoInit, Cluster = cluster, Server = server, Databases = databases, Share = share,
                    Recurrence = new Recurrence { Days = Recurrence.EveryDay, At = new TimeOnly(2, 30), EveryHours = 3 },
                    ExpectedDuration = TimeSpan.FromMinutes(20),
                },
                new ScheduledJob
                {
                    Name = "share-to-tape", Type = ScheduledJobType.ShareToTape, Share = share,
                    Tape = new TapeConfiguration { Library = "TAPELIB1", MediaPool = "Weekly", Copies = 1 },
                    Recurrence = new Recurrence { Days = [DayOfWeek.Wednesday, DayOfWeek.Sunday], At = new TimeOnly(4, 30) },
                    ExpectedDuration = TimeSpan.FromMinutes(50),
                },
            ],
        };
    }
}
