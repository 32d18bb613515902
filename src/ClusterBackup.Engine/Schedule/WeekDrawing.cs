using System.Globalization;
using System.Net;
using System.Text;

namespace ClusterBackup.Engine.Schedule;

/// <summary>
/// The week drawn, from an overlap check: the week's grid (a row per job, a column per day) and a timeline of
/// every run over the days of the horizon, with conflicts marked. Three renderings of the same picture: console
/// text, a standalone SVG, and an HTML page holding the SVG and the list of conflicts.
/// </summary>
public static class WeekDrawing
{
    private static readonly DayOfWeek[] Week = [.. Recurrence.EveryDay];

    public static string Letter(ScheduledJobType type) => type switch
    {
        ScheduledJobType.FullDbWithInit => "W",
        ScheduledJobType.FullDbNoInit => "F",
        ScheduledJobType.TransDbWithInit => "I",
        ScheduledJobType.TransDbNoInit => "L",
        _ => "T",
    };

    private static string Color(ScheduledJobType type) => type switch
    {
        ScheduledJobType.FullDbWithInit => "#1f5fa8",
        ScheduledJobType.FullDbNoInit => "#6fa3dc",
        ScheduledJobType.TransDbWithInit => "#2e7d4f",
        ScheduledJobType.TransDbNoInit => "#8fd19e",
        _ => "#e08a1e",
    };

    private const string ConflictColor = "#d62728";

    /// <summary>"01:00 weekly" or "02:30 every 3 h": the TIME column of the grid.</summary>
    public static string TimeColumn(ScheduledJob job) =>
        job.Recurrence.At.ToString("HH:mm", CultureInfo.InvariantCulture) + (job.Recurrence.EveryHours is { } h ? $" every {h} h" : " weekly");

    /// <summary>What the grid shows for a job on a day: "X", "every 3 h", or empty.</summary>
    public static string DayCell(ScheduledJob job, DayOfWeek day) =>
        !job.Enabled || !job.Recurrence.Days.Contains(day) ? "" : job.Recurrence.EveryHours is { } h ? $"every {h} h" : "X";

    private static IEnumerable<DateTime> Days(OverlapCheckResult result)
    {
        var zone = result.Schedule.ResolveTimeZone();
        var first = TimeZoneInfo.ConvertTime(result.From, zone).Date;
        var last = TimeZoneInfo.ConvertTime(result.To.AddTicks(-1), zone).Date;
        for (var d = first; d <= last; d = d.AddDays(1))
            yield return d;
    }

    /// <summary>Pieces of runs per local day: (day, start minute, end minute, occurrence), split at midnight.</summary>
    private static List<(DateTime Day, double From, double To, ScheduleOccurrence Run)> Pieces(OverlapCheckResult result, IEnumerable<ScheduleOccurrence> runs)
    {
        var zone = result.Schedule.ResolveTimeZone();
        var pieces = new List<(DateTime, double, double, ScheduleOccurrence)>();
        foreach (var run in runs)
        {
            var start = TimeZoneInfo.ConvertTime(run.Start, zone).DateTime;
            var end = TimeZoneInfo.ConvertTime(run.End, zone).DateTime;
            for (var day = start.Date; day < end; day = day.AddDays(1))
            {
                var from = Math.Max(0, (start - day).TotalMinutes);
                var to = Math.Min(1440, (end - day).TotalMinutes);
                if (to > from)
                    pieces.Add((day, from, to, run));
            }
        }
        return pieces;
    }

    private static List<(DateTime Day, double From, double To, string Text)> ConflictPieces(OverlapCheckResult result)
    {
        var pieces = new List<(DateTime, double, double, string)>();
        foreach (var conflict in result.Conflicts)
        {
            var start = conflict.OverlapStart.DateTime;
            var end = start + conflict.Overlap;
            for (var day = start.Date; day < end; day = day.AddDays(1))
                pieces.Add((day, Math.Max(0, (start - day).TotalMinutes), Math.Min(1440, (end - day).TotalMinutes), $"{conflict.FirstJob} / {conflict.SecondJob}"));
        }
        return pieces;
    }

    private static string Heading(OverlapCheckResult result)
    {
        var zone = result.Schedule.ResolveTimeZone();
        var from = TimeZoneInfo.ConvertTime(result.From, zone);
        var to = TimeZoneInfo.ConvertTime(result.To, zone);
        var verdict = result.IsSafe ? "no conflicts" : $"{result.Conflicts.Count} conflict{(result.Conflicts.Count == 1 ? "" : "s")}";
        return $"Schedule '{result.Schedule.Name}' ({result.Schedule.TimeZone}), {from:ddd yyyy-MM-dd HH:mm} to {to:ddd yyyy-MM-dd HH:mm}: {verdict}";
    }

    // ---------------------------------------------------------------- console

    /// <summary>The week as text: the grid, a timeline in half-hour cells (letters per job type, '!' for a conflict), and the conflicts.</summary>
    public static string ToText(OverlapCheckResult result)
    {
        var text = new StringBuilder();
        text.AppendLine(Heading(result)).AppendLine();
        var jobs = result.Schedule.Jobs;
        var timeWidth = Math.Max(4, jobs.Select(j => TimeColumn(j).Length).DefaultIfEmpty(0).Max());
        var typeWidth = Math.Max(4, jobs.Select(j => j.TypeName.Length + (j.Enabled ? 0 : 11)).DefaultIfEmpty(0).Max());
        const int dayWidth = 10;
        text.Append("TIME".PadRight(timeWidth)).Append("  ").Append("TYPE".PadRight(typeWidth));
        foreach (var day in Week) text.Append("  ").Append(day.ToString()[..3].PadRight(dayWidth));
        text.AppendLine();
        foreach (var job in jobs)
        {
            text.Append(TimeColumn(job).PadRight(timeWidth)).Append("  ").Append((job.TypeName + (job.Enabled ? "" : " (disabled)")).PadRight(typeWidth));
            foreach (var day in Week) text.Append("  ").Append(DayCell(job, day).PadRight(dayWidth));
            text.Append('\n');
        }
        text.AppendLine();

        // Timeline: 48 half-hour cells per day.
        text.Append("          ");
        for (var hour = 0; hour < 24; hour += 2) text.Append(hour.ToString("00", CultureInfo.InvariantCulture)).Append("  ");
        text.AppendLine();
        var pieces = Pieces(result, result.Occurrences);
        var conflictPieces = ConflictPieces(result);
        foreach (var day in Days(result))
        {
            var cells = Enumerable.Repeat('.', 48).ToArray();
            foreach (var piece in pieces.Where(p => p.Day == day))
                for (var cell = (int)(piece.From / 30); cell < 48 && cell * 30 < piece.To; cell++)
                    cells[cell] = Letter(piece.Run.Job.Type)[0];
            foreach (var piece in conflictPieces.Where(p => p.Day == day))
                for (var cell = (int)(piece.From / 30); cell < 48 && cell * 30 < piece.To; cell++)
                    cells[cell] = '!';
            text.Append(day.ToString("ddd dd", CultureInfo.InvariantCulture).PadRight(10)).Append(new string(cells)).Append('\n');
        }
        text.AppendLine("          W FullDB With Init  F FullDB No Init  I TransDB With Init  L TransDB No Init  T share -> tape  ! conflict  (cell = 30 min)");
        foreach (var conflict in result.Conflicts)
            text.AppendLine().Append("CONFLICT ").Append(conflict);
        if (result.Conflicts.Count > 0) text.AppendLine();
        return string.Join("\n", text.ToString().Split('\n').Select(l => l.TrimEnd()));
    }

    // ---------------------------------------------------------------- SVG

    public static string ToSvg(OverlapCheckResult result)
    {
        const int left = 165, hourWidth = 48, width = left + 24 * hourWidth + 30;
        const int titleHeight = 50, gridRow = 30, laneHeight = 16, dayRow = 2 * laneHeight + 14;
        var jobs = result.Schedule.Jobs;
        var days = Days(result).ToList();
        var gridTop = titleHeight + 30;
        var gridHeight = gridRow * (jobs.Count + 1);
        var timelineTop = gridTop + gridHeight + 70;
        var timelineHeight = dayRow * days.Count;
        var legendTop = timelineTop + timelineHeight + 40;
        var conflictsTop = legendTop + 40;
        var height = conflictsTop + 24 * Math.Max(1, result.Conflicts.Count) + 20;
        var svg = new StringBuilder();
        svg.Append(CultureInfo.InvariantCulture, $"<svg xmlns=\"http://www.w3.org/2000/svg\" width=\"{width}\" height=\"{height}\" viewBox=\"0 0 {width} {height}\" font-family=\"DejaVu Sans, Arial, Helvetica, sans-serif\" font-size=\"13\">\n");
        svg.Append("<defs><pattern id=\"hatch\" width=\"6\" height=\"6\" patternUnits=\"userSpaceOnUse\" patternTransform=\"rotate(45)\"><rect width=\"3\" height=\"6\" fill=\"" + ConflictColor + "\"/></pattern></defs>\n");
        svg.Append(CultureInfo.InvariantCulture, $"<rect width=\"{width}\" height=\"{height}\" fill=\"white\"/>\n");
        Text(svg, 20, 30, Heading(result), 17, "bold", result.IsSafe ? "#1b1b1b" : ConflictColor);

        // The grid: TIME | TYPE | seven days.
        Text(svg, 20, gridTop - 10, "The week by job", 14, "bold");
        int[] columnX = [20, 150, 330];
        const int dayColumn = (left + 24 * hourWidth - 330) / 7; // the grid ends where the timeline ends
        var gridRight = columnX[2] + 7 * dayColumn;
        svg.Append(CultureInfo.InvariantCulture, $"<rect x=\"20\" y=\"{gridTop}\" width=\"{gridRight - 20}\" height=\"{gridRow}\" fill=\"#e9edf2\"/>\n");
        Text(svg, columnX[0] + 6, gridTop + 20, "TIME", 13, "bold");
        Text(svg, columnX[1] + 6, gridTop + 20, "TYPE", 13, "bold");
        for (var d = 0; d < 7; d++)
            Text(svg, columnX[2] + d * dayColumn + 6, gridTop + 20, Week[d].ToString(), 13, "bold");
        for (var row = 0; row < jobs.Count; row++)
        {
            var job = jobs[row];
            var y = gridTop + gridRow * (row + 1);
            var colour = job.Enabled ? "#1b1b1b" : "#8a8a8a";
            svg.Append(CultureInfo.InvariantCulture, $"<rect x=\"{columnX[1] + 2}\" y=\"{y + 8}\" width=\"10\" height=\"14\" fill=\"{Color(job.Type)}\"/>\n");
            Text(svg, columnX[0] + 6, y + 20, TimeColumn(job), 13, null, colour);
            Text(svg, columnX[1] + 18, y + 20, job.TypeName + (job.Enabled ? "" : " (disabled)"), 13, null, colour);
            for (var d = 0; d < 7; d++)
            {
                var cell = DayCell(job, Week[d]);
                if (cell.Length > 0)
                    Text(svg, columnX[2] + d * dayColumn + dayColumn / 2, y + 20, cell, 13, cell == "X" ? "bold" : null, colour, "middle");
            }
        }
        for (var row = 0; row <= jobs.Count + 1; row++)
            Line(svg, 20, gridTop + row * gridRow, gridRight, gridTop + row * gridRow, "#9aa5b1");
        foreach (var x in columnX.Concat(Enumerable.Range(1, 7).Select(d => columnX[2] + d * dayColumn)))
            Line(svg, x, gridTop, x, gridTop + gridHeight, "#9aa5b1");

        // The timeline: a row per day, database -> share runs on the upper lane, share -> tape on the lower.
        Text(svg, 20, timelineTop - 34, "Every run of the horizon, in wall-clock time (upper lane database -> share, lower lane share -> tape)", 14, "bold");
        for (var i = 0; i < days.Count; i += 2)
            svg.Append(CultureInfo.InvariantCulture, $"<rect x=\"{left}\" y=\"{timelineTop + i * dayRow}\" width=\"{24 * hourWidth}\" height=\"{dayRow}\" fill=\"#f6f8fa\"/>\n");
        for (var hour = 0; hour <= 24; hour++)
        {
            var x = left + hour * hourWidth;
            Line(svg, x, timelineTop - 6, x, timelineTop + timelineHeight, hour % 6 == 0 ? "#9aa5b1" : "#dde3ea");
            Text(svg, x, timelineTop - 10, hour.ToString("00", CultureInfo.InvariantCulture) + ":00", 11, null, "#555", "middle");
        }
        var pieces = Pieces(result, result.Occurrences);
        var conflictPieces = ConflictPieces(result);
        var conflictJobs = result.Conflicts.SelectMany(c => new[] { (c.FirstJob, c.FirstStart), (c.SecondJob, c.SecondStart) }).ToHashSet();
        var zone = result.Schedule.ResolveTimeZone();
        for (var i = 0; i < days.Count; i++)
        {
            var day = days[i];
            var top = timelineTop + i * dayRow;
            Text(svg, 20, top + dayRow / 2 + 5, day.ToString("dddd dd MMM", CultureInfo.InvariantCulture), 13, "bold");
            Line(svg, left, top + dayRow, left + 24 * hourWidth, top + dayRow, "#dde3ea");
            foreach (var piece in pieces.Where(p => p.Day == day))
            {
                var lane = piece.Run.Job.Category == JobCategory.DatabaseToShare ? 0 : 1;
                var x = left + piece.From / 60 * hourWidth;
                var w = Math.Max(2, (piece.To - piece.From) / 60 * hourWidth);
                var y = top + 5 + lane * (laneHeight + 4);
                var inConflict = conflictJobs.Contains((piece.Run.Job.Name, TimeZoneInfo.ConvertTime(piece.Run.Start, zone)));
                var stroke = inConflict ? $" stroke=\"{ConflictColor}\" stroke-width=\"2.5\"" : " stroke=\"#33415566\" stroke-width=\"0.8\"";
                svg.Append(CultureInfo.InvariantCulture,
                    $"<rect x=\"{x:0.#}\" y=\"{y}\" width=\"{w:0.#}\" height=\"{laneHeight}\" rx=\"2\" fill=\"{Color(piece.Run.Job.Type)}\"{stroke}><title>{Escape($"{piece.Run.Job.Name} ({piece.Run.Job.TypeName}) {TimeZoneInfo.ConvertTime(piece.Run.Start, zone):ddd HH:mm}-{TimeZoneInfo.ConvertTime(piece.Run.End, zone):HH:mm}{(piece.Run.Shifted ? ", moved by daylight saving" : "")}")}</title></rect>\n");
                if (w >= 16)
                    Text(svg, x + w / 2, y + 12, Letter(piece.Run.Job.Type), 10, "bold", "white", "middle");
            }
            foreach (var piece in conflictPieces.Where(p => p.Day == day))
            {
                var x = left + piece.From / 60 * hourWidth;
                var w = Math.Max(3, (piece.To - piece.From) / 60 * hourWidth);
                svg.Append(CultureInfo.InvariantCulture,
                    $"<rect x=\"{x:0.#}\" y=\"{top + 1}\" width=\"{w:0.#}\" height=\"{dayRow - 2}\" fill=\"url(#hatch)\" fill-opacity=\"0.55\" stroke=\"{ConflictColor}\" stroke-width=\"1.5\"><title>{Escape("conflict: " + piece.Text)}</title></rect>\n");
            }
        }

        // Legend and the conflicts in words.
        var legendX = 20;
        foreach (var type in Enum.GetValues<ScheduledJobType>())
        {
            svg.Append(CultureInfo.InvariantCulture, $"<rect x=\"{legendX}\" y=\"{legendTop - 12}\" width=\"16\" height=\"14\" rx=\"2\" fill=\"{Color(type)}\"/>\n");
            Text(svg, legendX + 22, legendTop, $"{Letter(type)}  {type.DisplayName()}", 13);
            legendX += 200;
        }
        svg.Append(CultureInfo.InvariantCulture, $"<rect x=\"{legendX}\" y=\"{legendTop - 12}\" width=\"16\" height=\"14\" fill=\"url(#hatch)\" stroke=\"{ConflictColor}\"/>\n");
        Text(svg, legendX + 22, legendTop, "conflict", 13);
        if (result.Conflicts.Count == 0)
            Text(svg, 20, conflictsTop, "No conflicts: no database -> share run meets a share -> tape run, and no log backup runs during a full of the same database.", 13, null, "#1b5e20");
        for (var i = 0; i < result.Conflicts.Count; i++)
        {
            var c = result.Conflicts[i];
            Text(svg, 20, conflictsTop + 24 * i, string.Create(CultureInfo.InvariantCulture,
                $"CONFLICT {c.OverlapStart:ddd HH:mm}: {c.FirstJob} {c.FirstStart:HH:mm}-{c.FirstEnd:HH:mm} and {c.SecondJob} {c.SecondStart:HH:mm}-{c.SecondEnd:HH:mm} overlap by {c.Overlap.TotalMinutes:0} min. Fix: {c.Suggestion}."),
                13, null, ConflictColor);
        }
        svg.Append("</svg>\n");
        return svg.ToString();
    }

    public static string ToHtml(OverlapCheckResult result)
    {
        var html = new StringBuilder();
        html.Append("<!DOCTYPE html>\n<html lang=\"en\">\n<head>\n<meta charset=\"utf-8\">\n<title>")
            .Append(Escape(Heading(result)))
            .Append("</title>\n<style>body{margin:16px;font-family:'DejaVu Sans',Arial,Helvetica,sans-serif;color:#1b1b1b}table{border-collapse:collapse;margin-top:12px}td,th{border:1px solid #9aa5b1;padding:4px 8px;font-size:13px;text-align:left}th{background:#e9edf2}.conflict{color:")
            .Append(ConflictColor).Append("}</style>\n</head>\n<body>\n")
            .Append(ToSvg(result));
        if (result.Conflicts.Count > 0)
        {
            html.Append("<table>\n<tr><th>First job</th><th>Runs</th><th>Second job</th><th>Runs</th><th>Overlap</th><th>Why</th><th>Smallest fix</th></tr>\n");
            foreach (var c in result.Conflicts)
                html.Append(CultureInfo.InvariantCulture,
                    $"<tr class=\"conflict\"><td>{Escape(c.FirstJob)}</td><td>{c.FirstStart:ddd yyyy-MM-dd HH:mm}-{c.FirstEnd:HH:mm}</td><td>{Escape(c.SecondJob)}</td><td>{c.SecondStart:ddd yyyy-MM-dd HH:mm}-{c.SecondEnd:HH:mm}</td><td>{c.Overlap.TotalMinutes:0} min</td><td>{Escape(c.Reason)}</td><td>{Escape(c.Suggestion)}</td></tr>\n");
            html.Append("</table>\n");
        }
        html.Append("</body>\n</html>\n");
        return html.ToString();
    }

    private static void Text(StringBuilder svg, double x, double y, string text, int size, string? weight = null, string? fill = null, string? anchor = null) =>
        svg.Append(CultureInfo.InvariantCulture,
            $"<text x=\"{x:0.#}\" y=\"{y:0.#}\" font-size=\"{size}\"{(weight is null ? "" : $" font-weight=\"{weight}\"")}{(fill is null ? "" : $" fill=\"{fill}\"")}{(anchor is null ? "" : $" text-anchor=\"{anchor}\"")}>{Escape(text)}</text>\n");

    private static void Line(StringBuilder svg, double x1, double y1, double x2, double y2, string stroke) =>
        svg.Append(CultureInfo.InvariantCulture, $"<line x1=\"{x1:0.#}\" y1=\"{y1:0.#}\" x2=\"{x2:0.#}\" y2=\"{y2:0.#}\" stroke=\"{stroke}\" stroke-width=\"1\"/>\n");

    private static string Escape(string text) => WebUtility.HtmlEncode(text);
}
