using System.Xml.Linq;
using ClusterBackup.Engine.Schedule;
using static ClusterBackup.Engine.Tests.Schedule.ScheduleTestData;

namespace ClusterBackup.Engine.Tests.Schedule;

public class WeekDrawingTests
{
    private static Task<OverlapCheckResult> Check(BackupSchedule schedule) => TestAsync(new TestScheduleRequest(schedule, OrdinaryMonday(NewYork)));

    [Fact]
    public async Task TheConsoleGridShowsTheWeeklyTemplate()
    {
        var text = WeekDrawing.ToText(await Check(WeeklyScheduleTemplate.Create(NewYork)));
        var lines = text.Split('\n');
        Assert.EndsWith("no conflicts", lines[0]);
        Assert.Contains(lines, l => l.StartsWith("01:00 weekly     FullDB With Init              X                                   X"));
        Assert.Contains(lines, l => l.StartsWith("04:30 weekly     Share -> tape                                         X                                               X"));
        Assert.Contains(lines, l => l.StartsWith("02:30 every 3 h  TransDB No Init               every 3 h   every 3 h"));
        // Half-hour cells: the 01:00 full runs 75 minutes, the log at 02:30, the tape at 04:30 for 50 minutes.
        Assert.Contains("Wed 25    ..FFFL...TTL.....L.....L.....L.....L.....L.....L", text);
        Assert.DoesNotContain('!', string.Concat(lines.Where(l => l.StartsWith("Mon") || l.StartsWith("Wed"))));
        Assert.All(lines, l => Assert.Equal(l.TrimEnd(), l));
    }

    [Fact]
    public async Task ConflictsAreMarkedInEveryRendering()
    {
        var schedule = WithJob(WeeklyScheduleTemplate.Create(NewYork), "share-to-tape", j => j with { Recurrence = j.Recurrence with { At = new TimeOnly(2, 40) } });
        var result = await Check(schedule);
        var text = WeekDrawing.ToText(result);
        Assert.Contains("Wed 25    ..FFF!T", text);
        Assert.Contains("CONFLICT log-no-init (Wed 02:30-02:50) overlaps share-to-tape (Wed 02:40-03:30) by 10 min", text);

        var svg = XDocument.Parse(WeekDrawing.ToSvg(result));
        XNamespace ns = "http://www.w3.org/2000/svg";
        Assert.Equal(2, svg.Descendants(ns + "rect").Count(r => (string?)r.Attribute("fill") == "url(#hatch)" && r.Element(ns + "title") is not null));
        Assert.Equal(4, svg.Descendants(ns + "rect").Count(r => (string?)r.Attribute("stroke") == "#d62728" && (string?)r.Attribute("stroke-width") == "2.5"));
        Assert.Contains(svg.Descendants(ns + "text"), t => t.Value.StartsWith("CONFLICT Wed 02:40: log-no-init 02:30-02:50 and share-to-tape 02:40-03:30 overlap by 10 min."));

        var html = WeekDrawing.ToHtml(result);
        Assert.Contains("<tr class=\"conflict\"><td>log-no-init</td>", html);
        Assert.Contains("start &#39;share-to-tape&#39; 10 min later (02:40 -&gt; 02:50)", html);
    }

    [Fact]
    public async Task TheSvgOfTheWeeklyTemplateIsWellFormedAndShowsEveryRun()
    {
        var result = await Check(WeeklyScheduleTemplate.Create(NewYork));
        var svg = XDocument.Parse(WeekDrawing.ToSvg(result));
        XNamespace ns = "http://www.w3.org/2000/svg";
        Assert.Equal(result.Occurrences.Count, svg.Descendants(ns + "rect").Count(r => r.Element(ns + "title") is not null));
        Assert.DoesNotContain(svg.Descendants(ns + "rect"), r => (string?)r.Attribute("fill") == "url(#hatch)" && r.Element(ns + "title") is not null);
    }
}
