using System.Globalization;
using ClusterBackup.Engine.Common;
using Newtonsoft.Json;
using Newtonsoft.Json.Linq;

namespace ClusterBackup.Engine.Schedule;

/// <summary>
/// Reads and writes a schedule as JSON (docs/schedule-format.md). The reader checks the format version, every
/// field's type and value, and names the file, the job and the field in its error; the writer writes a temporary
/// file and renames it over the old one, so a crash never leaves half a schedule. The file carries no checksum
/// on purpose: admins edit it by hand, and validation on every read is what protects the scheduler.
/// </summary>
public static class ScheduleFile
{
    public static BackupSchedule Read(string path)
    {
        string text;
        try
        {
            text = File.ReadAllText(path);
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
        {
            throw new ClusterBackupException(ex is FileNotFoundException or DirectoryNotFoundException ? ErrorKind.ObjectNotFound : ErrorKind.ReadError,
                path, $"Cannot read the schedule '{path}': {ex.Message}", ex);
        }
        return Parse(text, Path.GetFullPath(path));
    }

    public static BackupSchedule Parse(string json, string source = "schedule")
    {
        var root = VersionedJson.Parse(json, source, "schedule", "formatVersion", BackupSchedule.CurrentFormatVersion, ErrorKind.InvalidConfiguration);
        var reader = new FieldReader(source);
        var jobs = new List<ScheduledJob>();
        if (root["jobs"] is not JArray jobArray)
            throw new ClusterBackupException(ErrorKind.InvalidConfiguration, source, $"The schedule '{source}' has no 'jobs' array.");
        for (var i = 0; i < jobArray.Count; i++)
        {
            if (jobArray[i] is not JObject job)
                throw new ClusterBackupException(ErrorKind.InvalidConfiguration, source, $"The schedule '{source}': jobs[{i}] is not an object.");
            jobs.Add(ReadJob(job, reader.For($"jobs[{i}]")));
        }
        var schedule = new BackupSchedule
        {
            Name = reader.RequiredString(root, "name"),
            TimeZone = reader.RequiredString(root, "timeZone"),
            Jobs = jobs,
            Path = source == "schedule" ? null : source,
        };
        try
        {
            schedule.Validate();
        }
        catch (ClusterBackupException ex) when (!ex.Message.Contains(source, StringComparison.Ordinal))
        {
            // The rules speak of jobs; read from a file, the admin also needs to know which file.
            throw new ClusterBackupException(ex.Kind, ex.Target, $"The schedule '{source}': {ex.Message}", ex) { Cause = ex.Cause };
        }
        return schedule;
    }

    private static ScheduledJob ReadJob(JObject job, FieldReader reader)
    {
        var name = reader.RequiredString(job, "name");
        reader = reader.For($"job '{name}'");
        var typeText = reader.RequiredString(job, "type");
        if (!ScheduledJobTypes.TryParse(typeText, out var type))
            throw reader.Error("type", $"'{typeText}' is not one of {string.Join(", ", Enum.GetNames<ScheduledJobType>())}");
        if (job["recurrence"] is not JObject recurrence)
            throw reader.Error("recurrence", "is missing or not an object");
        var recurrenceReader = reader.For("recurrence");
        var days = new List<DayOfWeek>();
        if (recurrence["days"] is JArray dayArray)
            foreach (var day in dayArray)
                days.Add(day.Type == JTokenType.String && Enum.TryParse<DayOfWeek>((string?)day, ignoreCase: true, out var d) && Enum.IsDefined(d) && !int.TryParse((string?)day, out _)
                    ? d
                    : throw recurrenceReader.Error("days", $"'{day}' is not a day of the week"));
        else if (recurrence["days"] is not null)
            throw recurrenceReader.Error("days", "is not an array of day names");
        var minutes = reader.OptionalInt(job, "expectedMinutes") ?? throw reader.Error("expectedMinutes", "is missing");
        return new ScheduledJob
        {
            Name = name,
            Type = type,
            Cluster = reader.OptionalString(job, "cluster"),
            Server = reader.OptionalString(job, "server"),
            Databases = reader.StringArray(job, "databases"),
            Share = reader.OptionalString(job, "share"),
            Tape = job["tape"] is JObject tape
                ? new TapeConfiguration
                {
                    Agents = reader.For("tape").OptionalString(tape, "agents"),
                    Library = reader.For("tape").OptionalString(tape, "library"),
                    Drive = reader.For("tape").OptionalString(tape, "drive"),
                    MediaPool = reader.For("tape").OptionalString(tape, "mediaPool"),
                    Copies = reader.For("tape").OptionalInt(tape, "copies") ?? 1,
                }
                : null,
            Recurrence = new Recurrence
            {
                Days = days,
                At = recurrenceReader.Time(recurrence, "at") ?? throw recurrenceReader.Error("at", "is missing"),
                EveryHours = recurrenceReader.OptionalInt(recurrence, "everyHours"),
                Until = recurrenceReader.Time(recurrence, "until"),
            },
            ExpectedDuration = TimeSpan.FromMinutes(minutes),
            LearnDuration = reader.OptionalBool(job, "learnDuration") ?? true,
            Enabled = reader.OptionalBool(job, "enabled") ?? true,
        };
    }

    public static string ToJson(BackupSchedule schedule)
    {
        var root = new JObject
        {
            ["formatVersion"] = BackupSchedule.CurrentFormatVersion,
            ["name"] = schedule.Name,
            ["timeZone"] = schedule.TimeZone,
            ["jobs"] = new JArray(schedule.Jobs.Select(JobToJson)),
        };
        return root.ToString(Formatting.Indented) + "\n";
    }

    private static JObject JobToJson(ScheduledJob job)
    {
        var recurrence = new JObject
        {
            ["days"] = new JArray(job.Recurrence.Days.Select(d => d.ToString())),
            ["at"] = job.Recurrence.At.ToString("HH:mm", CultureInfo.InvariantCulture),
        };
        if (job.Recurrence.EveryHours is { } hours)
            recurrence["everyHours"] = hours;
        if (job.Recurrence.Until is { } until)
            recurrence["until"] = until.ToString("HH:mm", CultureInfo.InvariantCulture);
        var json = new JObject
        {
            ["name"] = job.Name,
            ["type"] = job.Type.ToString(),
            ["enabled"] = job.Enabled,
        };
        if (job.Cluster is not null) json["cluster"] = job.Cluster;
        if (job.Server is not null) json["server"] = job.Server;
        if (job.Databases.Count > 0) json["databases"] = new JArray(job.Databases);
        if (job.Share is not null) json["share"] = job.Share;
        if (job.Tape is { } tape)
        {
            var tapeJson = new JObject { ["copies"] = tape.Copies };
            if (tape.Agents is not null) tapeJson["agents"] = tape.Agents;
            if (tape.Library is not null) tapeJson["library"] = tape.Library;
            if (tape.Drive is not null) tapeJson["drive"] = tape.Drive;
            if (tape.MediaPool is not null) tapeJson["mediaPool"] = tape.MediaPool;
            json["tape"] = tapeJson;
        }
        json["recurrence"] = recurrence;
        json["expectedMinutes"] = (int)Math.Ceiling(job.ExpectedDuration.TotalMinutes);
        json["learnDuration"] = job.LearnDuration;
        return json;
    }

    /// <summary>Writes the schedule: temporary file in the same folder, flushed, then renamed over the target.</summary>
    public static void Write(BackupSchedule schedule, string path)
    {
        schedule.Validate();
        AtomicFile.WriteAllText(path, ToJson(schedule), "the schedule");
    }

    /// <summary>Reads typed fields and names the file, the object and the field in every error.</summary>
    private sealed class FieldReader(string source, string where = "")
    {
        public FieldReader For(string part) => new(source, where.Length == 0 ? part : $"{where} {part}");

        public ClusterBackupException Error(string field, string problem) =>
            new(ErrorKind.InvalidConfiguration, source, $"The schedule '{source}': {(where.Length == 0 ? "" : where + ": ")}'{field}' {problem}.");

        public string RequiredString(JObject o, string field) =>
            OptionalString(o, field) is { Length: > 0 } value ? value : throw Error(field, "is missing or empty");

        public string? OptionalString(JObject o, string field) => o[field] switch
        {
            null or { Type: JTokenType.Null } => null,
            { Type: JTokenType.String } token => (string)token!,
            _ => throw Error(field, "is not a string"),
        };

        public int? OptionalInt(JObject o, string field) => o[field] switch
        {
            null or { Type: JTokenType.Null } => null,
            { Type: JTokenType.Integer } token => JsonNumber.TryGetInt32(token, out var value) ? value : throw Error(field, $"{token} is out of range"),
            _ => throw Error(field, "is not an integer"),
        };

        public bool? OptionalBool(JObject o, string field) => o[field] switch
        {
            null or { Type: JTokenType.Null } => null,
            { Type: JTokenType.Boolean } token => (bool)token,
            _ => throw Error(field, "is not true or false"),
        };

        public IReadOnlyList<string> StringArray(JObject o, string field) => o[field] switch
        {
            null or { Type: JTokenType.Null } => [],
            JArray array when array.All(t => t.Type == JTokenType.String) => array.Select(t => (string)t!).ToList(),
            _ => throw Error(field, "is not an array of strings"),
        };

        public TimeOnly? Time(JObject o, string field)
        {
            var text = OptionalString(o, field);
            if (text is null)
                return null;
            return TimeOnly.TryParseExact(text, "HH:mm", CultureInfo.InvariantCulture, DateTimeStyles.None, out var time)
                ? time
                : throw Error(field, $"'{text}' is not a 24-hour time HH:mm");
        }
    }
}
