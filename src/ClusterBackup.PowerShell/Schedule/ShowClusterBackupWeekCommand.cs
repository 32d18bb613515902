using System.Management.Automation;
using ClusterBackup.Engine.Common;
using ClusterBackup.Engine.Schedule;

namespace ClusterBackup.PowerShell.Schedule;

/// <summary>
/// <para type="synopsis">Draws a schedule's week: a row per job, a column per day, and every run, conflicts marked.</para>
/// <para type="description">Writes the week as text (a row per job, a column per day, then a half-hour timeline per day
/// where '!' marks a conflict). With -OutFile it also writes the drawing as an SVG (.svg) or an HTML page (.html or
/// .htm) with the conflicts highlighted in red and listed with their smallest fixes.</para>
/// <example>
/// <code>Show-ClusterBackupWeek -Path weekly.json -OutFile week.html</code>
/// <para>Prints this week and writes the drawing to week.html, to open in a browser (Invoke-Item week.html).</para>
/// </example>
/// </summary>
[Cmdlet(VerbsCommon.Show, "ClusterBackupWeek", SupportsShouldProcess = true)]
[OutputType(typeof(string))]
public sealed class ShowClusterBackupWeekCommand : ScheduleHorizonCmdlet
{
    /// <summary>Length of the horizon in days (default 7).</summary>
    [Parameter]
    [ValidateRange(1, 62)]
    [PSDefaultValue(Value = 7)]
    public int Days { get; set; } = 7;

    /// <summary>Also write the drawing to this .svg or .html file.</summary>
    [Parameter]
    [FileSystemPath]
    public string? OutFile { get; set; }

    protected override void ProcessSchedule()
    {
        var result = CheckOverlaps(Days);
        WriteObject(WeekDrawing.ToText(result));
        if (OutFile is null)
            return;
        var target = ResolvePath(OutFile);
        var extension = System.IO.Path.GetExtension(target).ToLowerInvariant();
        var content = extension switch
        {
            ".svg" => WeekDrawing.ToSvg(result),
            ".html" or ".htm" => WeekDrawing.ToHtml(result),
            _ => throw new ClusterBackupException(ErrorKind.InvalidArgument, target, $"-OutFile '{target}' must end in .svg, .html or .htm."),
        };
        if (!ShouldProcess(target, "Write the week drawing"))
            return;
        AtomicFile.WriteAllText(target, content, "the week drawing");
    }
}
