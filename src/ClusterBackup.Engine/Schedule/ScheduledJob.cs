namespace ClusterBackup.Engine.Schedule;

/// <summary>
/// Where a share -> tape job writes: the tape library or drive, the media pool, and how many mirror copies.
/// When <see cref="Agents"/> names a media-agent configuration, that file decides the drives, pools and
/// mirror chains, and <see cref="Library"/> is the library folder the tape backup opens.
/// </summary>
public sealed record TapeConfiguration
{
    /// <summary>The media-agent configuration file (docs/tape-format.md, media agents) the job writes through.</summary>
    public string? Agents { get; init; }

    public string? Library { get; init; }
    public string? Drive { get; init; }
    public string? MediaPool { get; init; }
    public int Copies { get; init; } = 1;
}

/// <summary>
/// One job of a schedule: what it backs up (cluster, virtual server, databases), where to (the backup share, and
/// the tape configuration for share -> tape), when (<see cref="Recurrence"/>) and for how long it is expected to run.
/// </summary>
public sealed record ScheduledJob
{
    /// <summary>Unique within the schedule; the scheduled task, unit and crontab line run the job by this name.</summary>
    public required string Name { get; init; }

    public required ScheduledJobType Type { get; init; }

    /// <summary>The cluster the databases live in (empty for share -> tape).</summary>
    public string? Cluster { get; init; }

    /// <summary>The virtual server (SQL Server network name or PostgreSQL virtual address name).</summary>
    public string? Server { get; init; }

    public IReadOnlyList<string> Databases { get; init; } = [];

    /// <summary>The backup share: written by database -> share jobs, read by share -> tape jobs.</summary>
    public string? Share { get; init; }

    public TapeConfiguration? Tape { get; init; }

    public required Recurrence Recurrence { get; init; }

    /// <summary>The duration the admin expects; used until the catalog has enough runs to learn from.</summary>
    public required TimeSpan ExpectedDuration { get; init; }

    /// <summary>When true, the overlap check uses the 95th percentile of the last 10 successful runs once there are 3.</summary>
    public bool LearnDuration { get; init; } = true;

    /// <summary>A disabled job stays in the file (and in the drawing's legend) but never runs and is never exported.</summary>
    public bool Enabled { get; init; } = true;

    public string TypeName => Type.DisplayName();

    public JobCategory Category => Type.Category();

    public string When => Recurrence.Describe();
}
