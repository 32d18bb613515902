using System.Globalization;
using System.Text;
using System.Text.RegularExpressions;
using System.Xml;
using System.Xml.Linq;
using ClusterBackup.Engine.Common;

namespace ClusterBackup.Engine.Schedule.Export;

/// <summary>
/// One Task Scheduler task per job, task schema version 1.2 (Windows 7 / Server 2008 R2 and later), UTF-16 as
/// `schtasks /Create /XML` expects. Each start time of the week is a CalendarTrigger with ScheduleByWeek, so an
/// every-N-hours job is N exact triggers rather than a Repetition (whose interval counts elapsed time across a
/// daylight-saving change). The action runs pwsh, imports the module and calls Start-ClusterBackupJob, exiting with
/// its status so a refused start (75) shows in the task's Last Run Result. StartBoundary has no offset: Task
/// Scheduler reads it in the machine's time zone, which must be the schedule's. Unverified on real Windows: the XML is
/// checked here against the documented schema elements (<see cref="TaskSchemaCheck"/>), not imported.
/// </summary>
internal sealed partial class TaskSchedulerExporter : IScheduleExporter
{
    public static readonly XNamespace Ns = "http://schemas.microsoft.com/windows/2004/02/mit/task";

    /// <summary>A Monday long past: a weekly trigger's StartBoundary only sets the time of day and when it begins.</summary>
    private static readonly DateOnly AnchorMonday = new(2024, 1, 1);

    public SchedulerKind Kind => SchedulerKind.TaskScheduler;

    public static string TaskPath(ExportOptions options, string schedule, string job) => $"{options.TaskFolder.TrimEnd('\\')}\\{schedule}\\{job}";

    public IReadOnlyList<ScheduleExportFile> Export(BackupSchedule schedule, ExportOptions options) =>
        schedule.Jobs.Where(j => j.Enabled).Select(job =>
        {
            var document = Task(schedule, job, options);
            return new ScheduleExportFile(Kind, schedule.Name, job.Name, $"{ExportOptions.Slug(schedule.Name)}-{ExportOptions.Slug(job.Name)}.xml", Serialize(document));
        }).ToList();

    private static XDocument Task(BackupSchedule schedule, ScheduledJob job, ExportOptions options)
    {
        var triggers = new XElement(Ns + "Triggers");
        foreach (var (time, days) in job.Recurrence.WeeklySlots().GroupBy(s => s.Time).Select(g => (g.Key, g.Select(s => s.Day).OrderBy(WeeklySlot.MondayFirst))))
            triggers.Add(new XElement(Ns + "CalendarTrigger",
                // The schema's triggerBaseType is a sequence: Enabled before StartBoundary.
                new XElement(Ns + "Enabled", "true"),
                new XElement(Ns + "StartBoundary", AnchorMonday.ToDateTime(time).ToString("yyyy-MM-dd'T'HH:mm:ss", CultureInfo.InvariantCulture)),
                new XElement(Ns + "ScheduleByWeek",
                    new XElement(Ns + "DaysOfWeek", days.Select(d => new XElement(Ns + d.ToString()))),
                    new XElement(Ns + "WeeksInterval", 1))));
        return new XDocument(new XDeclaration("1.0", "UTF-16", null),
            new XElement(Ns + "Task", new XAttribute("version", "1.2"),
                new XElement(Ns + "RegistrationInfo",
                    new XElement(Ns + "Author", "ClusterBackup"),
                    new XElement(Ns + "Description", $"ClusterBackup schedule '{schedule.Name}', job '{job.Name}' ({job.TypeName}): {job.When}, {schedule.TimeZone}."),
                    new XElement(Ns + "URI", TaskPath(options, schedule.Name, job.Name))),
                triggers,
                new XElement(Ns + "Principals",
                    new XElement(Ns + "Principal", new XAttribute("id", "Author"),
                        new XElement(Ns + "UserId", options.RunAs),
                        new XElement(Ns + "RunLevel", "HighestAvailable"))),
                new XElement(Ns + "Settings",
                    // A run still going when the next trigger fires is not queued: the guard would refuse it anyway.
                    new XElement(Ns + "MultipleInstancesPolicy", "IgnoreNew"),
                    new XElement(Ns + "DisallowStartIfOnBatteries", "false"),
                    new XElement(Ns + "StopIfGoingOnBatteries", "false"),
                    new XElement(Ns + "AllowHardTerminate", "true"),
                    // A start missed while the machine was off is not made up later, where it could meet another job.
                    new XElement(Ns + "StartWhenAvailable", "false"),
                    new XElement(Ns + "RunOnlyIfNetworkAvailable", "false"),
                    new XElement(Ns + "AllowStartOnDemand", "true"),
                    new XElement(Ns + "Enabled", "true"),
                    new XElement(Ns + "Hidden", "false"),
                    new XElement(Ns + "RunOnlyIfIdle", "false"),
                    new XElement(Ns + "WakeToRun", "false"),
                    new XElement(Ns + "ExecutionTimeLimit", "PT72H"),
                    new XElement(Ns + "Priority", 7)),
                new XElement(Ns + "Actions", new XAttribute("Context", "Author"),
                    new XElement(Ns + "Exec",
                        new XElement(Ns + "Command", options.PowerShellPath),
                        new XElement(Ns + "Arguments", $"-NoProfile -NonInteractive -ExecutionPolicy Bypass -Command \"{options.PowerShellCommand(job.Name)}\"")))));
    }

    private static string Serialize(XDocument document)
    {
        var builder = new StringBuilder();
        using (var writer = XmlWriter.Create(new Utf16StringWriter(builder), new XmlWriterSettings { Indent = true, IndentChars = "  ", Encoding = Encoding.Unicode }))
            document.Save(writer);
        return builder.Append("\r\n").ToString().Replace("\r\n", "\n").Replace("\n", "\r\n");
    }

    private sealed class Utf16StringWriter(StringBuilder builder) : StringWriter(builder, CultureInfo.InvariantCulture)
    {
        public override Encoding Encoding => Encoding.Unicode;
    }

    public IReadOnlyList<ExportedJob> ReadBack(IEnumerable<ScheduleExportFile> files) => files.Select(file =>
    {
        var document = XDocument.Parse(file.Content);
        var problems = TaskSchemaCheck.Check(document);
        if (problems.Count > 0)
            throw new ClusterBackupException(ErrorKind.InvalidData, file.FileName, $"Task '{file.FileName}' does not follow the task schema: {string.Join("; ", problems)}");
        var slots = new List<WeeklySlot>();
        foreach (var trigger in document.Descendants(Ns + "CalendarTrigger"))
        {
            var start = DateTime.ParseExact((string)trigger.Element(Ns + "StartBoundary")!, "yyyy-MM-dd'T'HH:mm:ss", CultureInfo.InvariantCulture);
            foreach (var day in trigger.Element(Ns + "ScheduleByWeek")!.Element(Ns + "DaysOfWeek")!.Elements())
                slots.Add(new WeeklySlot(Enum.Parse<DayOfWeek>(day.Name.LocalName), TimeOnly.FromDateTime(start)));
        }
        var arguments = (string)document.Descendants(Ns + "Arguments").Single();
        var job = PsArgument().Match(arguments) is { Success: true } m ? m.Groups["job"].Value.Replace("''", "'") : throw new ClusterBackupException(ErrorKind.InvalidData, file.FileName, "The task's action names no -Job.");
        var schedule = PsSchedule().Match(arguments).Groups["path"].Value.Replace("''", "'");
        return new ExportedJob(job, slots.Order().ToList(), schedule);
    }).ToList();

    [GeneratedRegex(@"-Job '(?<job>(?:[^']|'')*)'")]
    private static partial Regex PsArgument();

    [GeneratedRegex(@"-Schedule '(?<path>(?:[^']|'')*)'")]
    private static partial Regex PsSchedule();
}
