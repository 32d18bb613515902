using System.Globalization;
using System.Xml;
using System.Xml.Linq;

namespace ClusterBackup.Engine.Schedule.Export;

/// <summary>
/// Checks a task document against the elements the Task Scheduler schema documents for version 1.2 (the
/// taskschedulerschema reference pages): the root, which children each element may have, the order where the schema
/// uses xs:sequence (trigger base elements, the calendar trigger, Exec), required children, and the value types we
/// write (boolean, dateTime, duration, WeeksInterval 1-52, enumerations). It covers the subset of the schema this
/// product writes; an element outside it is reported, so a change to the exporter cannot slip past unchecked.
/// </summary>
public static class TaskSchemaCheck
{
    private sealed record Rule(string[] Children, bool Ordered = false, string[]? Required = null, Func<string, bool>? Value = null, string? ValueKind = null);

    private static readonly string[] Days = ["Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday", "Sunday"];

    private static readonly Dictionary<string, Rule> Rules = new()
    {
        ["Task"] = new(["RegistrationInfo", "Triggers", "Settings", "Data", "Principals", "Actions"], Required: ["Actions"]),
        ["RegistrationInfo"] = new(["URI", "SecurityDescriptor", "Source", "Date", "Author", "Version", "Description", "Documentation"]),
        ["Triggers"] = new(["BootTrigger", "RegistrationTrigger", "IdleTrigger", "TimeTrigger", "EventTrigger", "LogonTrigger", "SessionStateChangeTrigger", "CalendarTrigger"]),
        // triggerBaseType is a sequence (Enabled, StartBoundary, EndBoundary, Repetition, ExecutionTimeLimit) extended by
        // calendarTriggerType's sequence (RandomDelay, then one ScheduleBy... choice).
        ["CalendarTrigger"] = new(["Enabled", "StartBoundary", "EndBoundary", "Repetition", "ExecutionTimeLimit", "RandomDelay", "ScheduleByDay", "ScheduleByWeek", "ScheduleByMonth", "ScheduleByMonthDayOfWeek"],
            Ordered: true),
        ["ScheduleByWeek"] = new(["WeeksInterval", "DaysOfWeek"]),
        ["DaysOfWeek"] = new(Days),
        ["Principals"] = new(["Principal"]),
        ["Principal"] = new(["UserId", "LogonType", "GroupId", "DisplayName", "RunLevel", "ProcessTokenSidType", "RequiredPrivileges"]),
        ["Settings"] = new(["AllowStartOnDemand", "RestartOnFailure", "MultipleInstancesPolicy", "DisallowStartIfOnBatteries", "StopIfGoingOnBatteries",
            "AllowHardTerminate", "StartWhenAvailable", "NetworkProfileName", "RunOnlyIfNetworkAvailable", "WakeToRun", "Enabled", "Hidden",
            "DeleteExpiredTaskAfter", "IdleSettings", "NetworkSettings", "ExecutionTimeLimit", "Priority", "RunOnlyIfIdle", "UseUnifiedSchedulingEngine", "DisallowStartOnRemoteAppSession"]),
        ["Actions"] = new(["Exec", "ComHandler", "SendEmail", "ShowMessage"]),
        ["Exec"] = new(["Command", "Arguments", "WorkingDirectory"], Ordered: true, Required: ["Command"]),
    };

    private static readonly Dictionary<string, (Func<string, bool> Valid, string Kind)> Values = new()
    {
        ["Enabled"] = (IsBoolean, "a boolean"),
        ["Hidden"] = (IsBoolean, "a boolean"),
        ["AllowStartOnDemand"] = (IsBoolean, "a boolean"),
        ["DisallowStartIfOnBatteries"] = (IsBoolean, "a boolean"),
        ["StopIfGoingOnBatteries"] = (IsBoolean, "a boolean"),
        ["AllowHardTerminate"] = (IsBoolean, "a boolean"),
        ["StartWhenAvailable"] = (IsBoolean, "a boolean"),
        ["RunOnlyIfNetworkAvailable"] = (IsBoolean, "a boolean"),
        ["RunOnlyIfIdle"] = (IsBoolean, "a boolean"),
        ["WakeToRun"] = (IsBoolean, "a boolean"),
        ["StartBoundary"] = (IsDateTime, "an xs:dateTime"),
        ["EndBoundary"] = (IsDateTime, "an xs:dateTime"),
        ["ExecutionTimeLimit"] = (IsDuration, "an xs:duration"),
        ["RandomDelay"] = (IsDuration, "an xs:duration"),
        ["WeeksInterval"] = (v => byte.TryParse(v, NumberStyles.None, CultureInfo.InvariantCulture, out var w) && w is >= 1 and <= 52, "an integer from 1 to 52"),
        ["Priority"] = (v => int.TryParse(v, NumberStyles.None, CultureInfo.InvariantCulture, out var p) && p is >= 0 and <= 10, "an integer from 0 to 10"),
        ["MultipleInstancesPolicy"] = (v => v is "Parallel" or "Queue" or "IgnoreNew" or "StopExisting", "Parallel, Queue, IgnoreNew or StopExisting"),
        ["RunLevel"] = (v => v is "LeastPrivilege" or "HighestAvailable", "LeastPrivilege or HighestAvailable"),
        ["LogonType"] = (v => v is "S4U" or "Password" or "InteractiveToken" or "InteractiveTokenOrPassword" or "ServiceAccount" or "Group" or "None", "a logon type"),
        ["Command"] = (v => v.Trim().Length > 0, "a non-empty path"),
    };

    public static IReadOnlyList<string> Check(XDocument document)
    {
        var problems = new List<string>();
        var root = document.Root;
        if (root is null || root.Name != TaskSchedulerExporter.Ns + "Task")
            return [$"the root element is {root?.Name.ToString() ?? "missing"}, not Task in {TaskSchedulerExporter.Ns}"];
        if ((string?)root.Attribute("version") is not ("1.2"))
            problems.Add($"Task version is '{(string?)root.Attribute("version")}', not 1.2");
        Walk(root, problems);
        foreach (var trigger in root.Descendants(TaskSchedulerExporter.Ns + "CalendarTrigger"))
        {
            if (trigger.Elements().Count(e => e.Name.LocalName.StartsWith("ScheduleBy", StringComparison.Ordinal)) != 1)
                problems.Add("a CalendarTrigger needs exactly one ScheduleBy... element");
            if (trigger.Element(TaskSchedulerExporter.Ns + "StartBoundary") is null)
                problems.Add("a CalendarTrigger needs a StartBoundary (it sets the time of day)");
        }
        return problems;
    }

    private static void Walk(XElement element, List<string> problems)
    {
        var name = element.Name.LocalName;
        if (element.Name.Namespace != TaskSchedulerExporter.Ns)
            problems.Add($"{name} is not in the task namespace");
        if (Values.TryGetValue(name, out var value) && !element.HasElements && !value.Valid(element.Value))
            problems.Add($"{name} is '{element.Value}', not {value.Kind}");
        if (!Rules.TryGetValue(name, out var rule))
        {
            if (element.HasElements && !Values.ContainsKey(name))
                problems.Add($"{name} has child elements the checked subset of the schema does not describe");
            return;
        }
        var children = element.Elements().Select(e => e.Name.LocalName).ToList();
        foreach (var child in children.Where(c => !rule.Children.Contains(c)).Distinct())
            problems.Add($"{child} is not a child of {name} in the task schema");
        foreach (var required in rule.Required ?? [])
            if (!children.Contains(required))
                problems.Add($"{name} lacks its required {required}");
        if (name != "Triggers" && name != "Actions" && name != "Principals" && name != "DaysOfWeek")
            foreach (var repeated in children.GroupBy(c => c).Where(g => g.Count() > 1))
                problems.Add($"{repeated.Key} appears {repeated.Count()} times in {name}");
        if (rule.Ordered)
        {
            var positions = children.Select(c => Array.IndexOf(rule.Children, c)).Where(i => i >= 0).ToList();
            for (var i = 1; i < positions.Count; i++)
                if (positions[i] < positions[i - 1])
                    problems.Add($"in {name}, {rule.Children[positions[i]]} must come before {rule.Children[positions[i - 1]]} (xs:sequence)");
        }
        foreach (var child in element.Elements())
            Walk(child, problems);
    }

    private static bool IsBoolean(string v) => v is "true" or "false" or "1" or "0";

    private static bool IsDateTime(string v)
    {
        try { XmlConvert.ToDateTime(v, XmlDateTimeSerializationMode.RoundtripKind); return true; }
        catch (FormatException) { return false; }
    }

    private static bool IsDuration(string v)
    {
        try { XmlConvert.ToTimeSpan(v); return true; }
        catch (FormatException) { return false; }
    }
}
