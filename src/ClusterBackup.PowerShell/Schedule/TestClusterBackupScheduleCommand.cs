using System.Management.Automation;
using ClusterBackup.Engine.Schedule;

namespace ClusterBackup.PowerShell.Schedule;

/// <summary>
/// <para type="synopsis">Proves that no two jobs of a schedule overlap, or lists each conflict with its smallest fix.</para>
/// <para type="description">Expands every enabled job over a week (or the horizon given) in the schedule's time zone and
/// writes one ScheduleConflict per pair of runs that may not overlap but do: a database -> share job against the
/// share -> tape job, a log backup during a full of the same database, a run still going when the next starts. Each
/// conflict names the jobs, when, by how much, and the smallest shift of one job that removes it. With -Quiet it
/// writes only $true (safe) or $false.</para>
/// <example>
/// <code>Test-ClusterBackupSchedule -Path weekly.json -Learned | Format-List</code>
/// <para>Checks this week using durations learned from the catalog's run history.</para>
/// </example>
/// </summary>
[Cmdlet(VerbsDiagnostic.Test, "ClusterBackupSchedule")]
[OutputType(typeof(ScheduleConflict), typeof(bool))]
public sealed class TestClusterBackupScheduleCommand : ScheduleHorizonCmdlet
{
    /// <summary>Length of the horizon in days (default 7).</summary>
    [Parameter]
    [ValidateRange(1, 3660)]
    [PSDefaultValue(Value = 7)]
    public int Days { get; set; } = 7;

    /// <summary>Write only $true when the schedule is safe, $false when it has a conflict.</summary>
    [Parameter]
    public SwitchParameter Quiet { get; set; }

    protected override void ProcessSchedule()
    {
        var result = CheckOverlaps(Days);
        if (Quiet)
            WriteObject(result.IsSafe);
        else
            foreach (var conflict in result.Conflicts)
                WriteObject(conflict);
        if (!Quiet && result.IsSafe)
            WriteVerbose($"No conflicts among {result.Occurrences.Count} runs from {result.From:u} to {result.To:u}.");
    }
}
