using System.CommandLine;
using System.Globalization;
using ClusterBackup.Engine.Catalog;
using ClusterBackup.Engine.Common;
using ClusterBackup.Engine.Schedule;
using ClusterBackup.Engine.Schedule.Export;

namespace ClusterBackup.Cli.Commands;

/// <summary>
/// `clusterbackup schedule new|show|test|week|export|register|unregister|run|history`: the coordinated backup week.
/// `schedule run` is what the exported systemd units and crontab lines call; it exits 0 on success, 1 on failure and
/// 75 when the runtime guard refused the start because a conflicting job runs.
/// </summary>
public sealed class ScheduleCommands : ICliCommandGroup
{
    private static readonly Option<string> ScheduleOption = new("--schedule", "-s") { Description = "The schedule file (JSON).", Required = true };

    public IEnumerable<Command> Build(CliContext context)
    {
        var schedule = new Command("schedule", "The coordinated backup week: create, check, draw, export, register and run.");
        schedule.Subcommands.Add(New(context));
        schedule.Subcommands.Add(Show(context));
        schedule.Subcommands.Add(Test(context));
        schedule.Subcommands.Add(Week(context));
        schedule.Subcommands.Add(Export(context));
        schedule.Subcommands.Add(Register(context, unregister: false));
        schedule.Subcommands.Add(Register(context, unregister: true));
        schedule.Subcommands.Add(Run(context));
        schedule.Subcommands.Add(History(context));
        yield return schedule;
    }

    private static Command New(CliContext context)
    {
        var path = new Option<string>("--path", "-p") { Description = "Where to write the new schedule.", Required = true };
        var zone = new Option<string?>("--time-zone") { Description = "Time zone the times are in (IANA id). Default: this machine's." };
        var name = new Option<string>("--name") { Description = "Schedule name.", DefaultValueFactory = _ => WeeklyScheduleTemplate.DefaultName };
        var force = new Option<bool>("--force") { Description = "Overwrite an existing file." };
        var command = new Command("new", "Write a new schedule from the built-in weekly template.") { path, zone, name, force };
        command.SetAction(parse => context.Execute(() =>
        {
            var target = parse.GetValue(path)!;
            if (File.Exists(target) && !parse.GetValue(force))
                throw new ClusterBackupException(ErrorKind.InvalidArgument, target, $"'{target}' exists; pass --force to overwrite it.");
            var created = WeeklyScheduleTemplate.Create(parse.GetValue(zone), parse.GetValue(name)!);
            ScheduleFile.Write(created, target);
            WriteJobs(context, parse, created with { Path = Path.GetFullPath(target) });
            return CliContext.ExitOk;
        }));
        return command;
    }

    private static Command Show(CliContext context)
    {
        var command = new Command("show", "List the jobs of a schedule.") { ScheduleOption };
        command.SetAction(parse => context.Execute(() =>
        {
            WriteJobs(context, parse, ReadSchedule(parse));
            return CliContext.ExitOk;
        }));
        return command;
    }

    /// <summary>Reads and validates the schedule file of --schedule.</summary>
    private static BackupSchedule ReadSchedule(ParseResult parse) => ScheduleFile.Read(parse.GetValue(ScheduleOption)!);

    private static void WriteJobs(CliContext context, ParseResult parse, BackupSchedule schedule) =>
        context.Output(parse).Write(schedule.Jobs, CliTables.ScheduledJob);

    private static (Option<DateTime?> From, Option<int> Days, Option<bool> Learned) HorizonOptions() => (
        new Option<DateTime?>("--from") { Description = "Start of the horizon, in the schedule's time zone. Default: this week's Monday 00:00." },
        new Option<int>("--days") { Description = "Length of the horizon in days.", DefaultValueFactory = _ => 7 },
        new Option<bool>("--learned") { Description = "Use durations learned from the catalog's run history (95th percentile of the last 10 runs)." });

    private static Task<OverlapCheckResult> CheckAsync(CliContext context, ParseResult parse, (Option<DateTime?> From, Option<int> Days, Option<bool> Learned) horizon,
        CancellationToken token)
    {
        var schedule = ReadSchedule(parse);
        DateTimeOffset? from = parse.GetValue(horizon.From) is { } local
            ? ScheduleExpander.ToInstant(DateTime.SpecifyKind(local, DateTimeKind.Unspecified), schedule.ResolveTimeZone()).Instant
            : null;
        from ??= ScheduleExpander.StartOfWeek(schedule, DateTimeOffset.UtcNow);
        var days = parse.GetValue(horizon.Days);
        if (days < 1)
            throw new ClusterBackupException(ErrorKind.InvalidArgument, "--days", "--days must be at least 1.");
        var learned = parse.GetValue(horizon.Learned);
        return new TestScheduleOperation(learned ? context.OpenCatalog(parse) : null)
            .RunAsync(new TestScheduleRequest(schedule, from, from.Value.AddDays(days), Learned: learned), context.Reporter(parse), token);
    }

    private static Command Test(CliContext context)
    {
        var horizon = HorizonOptions();
        var command = new Command("test", "Prove the schedule has no overlapping jobs; list each conflict with the smallest shift that removes it. Exit 1 when there is a conflict.")
            { ScheduleOption, horizon.From, horizon.Days, horizon.Learned };
        command.SetAction((parse, token) => context.ExecuteAsync(async () =>
        {
            var result = await CheckAsync(context, parse, horizon, token).ConfigureAwait(false);
            var output = context.Output(parse);
            if (!output.IsJson)
                context.Out.WriteLine(result.IsSafe
                    ? $"No conflicts: {result.Occurrences.Count} runs from {result.From:u} to {result.To:u}."
                    : $"{result.Conflicts.Count} conflict(s):");
            if (output.IsJson || !result.IsSafe)
                output.Write(result.Conflicts, CliTables.ScheduleConflict);
            return result.IsSafe ? CliContext.ExitOk : CliContext.ExitFailed;
        }));
        return command;
    }

    private static Command Week(CliContext context)
    {
        var horizon = HorizonOptions();
        var svg = new Option<string?>("--svg") { Description = "Also write the week as an SVG file." };
        var html = new Option<string?>("--html") { Description = "Also write the week as an HTML page." };
        var command = new Command("week", "Draw the week: a row per job, a column per day, and every run, conflicts marked.") { ScheduleOption, horizon.From, horizon.Days, horizon.Learned, svg, html };
        command.SetAction((parse, token) => context.ExecuteAsync(async () =>
        {
            var result = await CheckAsync(context, parse, horizon, token).ConfigureAwait(false);
            context.Out.Write(WeekDrawing.ToText(result));
            if (parse.GetValue(svg) is { } svgPath)
                AtomicFile.WriteAllText(svgPath, WeekDrawing.ToSvg(result), "the week drawing");
            if (parse.GetValue(html) is { } htmlPath)
                AtomicFile.WriteAllText(htmlPath, WeekDrawing.ToHtml(result), "the week drawing");
            return CliContext.ExitOk;
        }));
        return command;
    }

    private static readonly Option<string> SchedulerOption = CreateSchedulerOption();

    private static Option<string> CreateSchedulerOption()
    {
        var option = new Option<string>("--scheduler") { Description = "task-scheduler, systemd or cron.", Required = true };
        option.AcceptOnlyFromAmong("task-scheduler", "systemd", "cron");
        return option;
    }

    private static SchedulerKind Kind(string text) => Enum.Parse<SchedulerKind>(text.Replace("-", ""), ignoreCase: true);

    private static (Option<string?> SchedulePath, Option<string?> CliPath, Option<string?> PwshPath, Option<string?> Module) ExportOptionsOptions() => (
        new Option<string?>("--schedule-path") { Description = "The schedule file's path on the machine that runs the jobs. Default: the full path of --schedule." },
        new Option<string?>("--cli-path") { Description = "The clusterbackup executable the units and crontab lines run." },
        new Option<string?>("--pwsh-path") { Description = "The pwsh executable the tasks run." },
        new Option<string?>("--module") { Description = "Module name or path the tasks import." });

    private static ExportOptions Options(ParseResult parse, (Option<string?> SchedulePath, Option<string?> CliPath, Option<string?> PwshPath, Option<string?> Module) o)
    {
        var options = new ExportOptions
        {
            SchedulePath = parse.GetValue(o.SchedulePath) ?? Path.GetFullPath(parse.GetValue(ScheduleOption)!),
            CatalogPath = parse.GetValue(CliContext.CatalogOption) is { } catalog ? Path.GetFullPath(catalog) : null,
        };
        if (parse.GetValue(o.CliPath) is { } cli) options = options with { CliPath = cli };
        if (parse.GetValue(o.PwshPath) is { } pwsh) options = options with { PowerShellPath = pwsh };
        if (parse.GetValue(o.Module) is { } module) options = options with { Module = module };
        return options;
    }

    private static Command Export(CliContext context)
    {
        var o = ExportOptionsOptions();
        var output = new Option<string>("--out") { Description = "Folder to write the files into.", Required = true };
        var command = new Command("export", "Write the schedule as Task Scheduler XML, systemd units or crontab lines.") { ScheduleOption, SchedulerOption, output, o.SchedulePath, o.CliPath, o.PwshPath, o.Module };
        command.SetAction(parse => context.Execute(() =>
        {
            var schedule = ReadSchedule(parse);
            var files = ScheduleExporters.Export(Kind(parse.GetValue(SchedulerOption)!), schedule, Options(parse, o));
            var written = ScheduleRegistration.WriteFiles(files, parse.GetValue(output)!);
            WriteFiles(context, parse, written);
            return CliContext.ExitOk;
        }));
        return command;
    }

    private static void WriteFiles(CliContext context, ParseResult parse, IEnumerable<ScheduleExportFile> files) =>
        context.Output(parse).Write(files, CliTables.ScheduleExportFile);

    private static Command Register(CliContext context, bool unregister)
    {
        var o = ExportOptionsOptions();
        var directory = new Option<string?>("--directory") { Description = "Where units or task files go. Default: /etc/systemd/system, or ProgramData\\ClusterBackup\\tasks." };
        var command = unregister
            ? new Command("unregister", "Remove the schedule's tasks, units or crontab block.") { ScheduleOption, SchedulerOption, directory }
            : new Command("register", "Install the schedule in the scheduler: import the tasks, enable the timers, or add the crontab block.") { ScheduleOption, SchedulerOption, directory, o.SchedulePath, o.CliPath, o.PwshPath, o.Module };
        command.SetAction(parse => context.Execute(() =>
        {
            var schedule = ReadSchedule(parse);
            var registration = new ScheduleRegistration();
            var kind = Kind(parse.GetValue(SchedulerOption)!);
            if (unregister)
            {
                var removed = registration.Unregister(schedule, kind, Options(parse, o), parse.GetValue(directory), context.Reporter(parse));
                context.Output(parse).Write(removed, ("Removed", r => r));
            }
            else
            {
                var files = registration.Register(schedule, kind, Options(parse, o), parse.GetValue(directory), context.Reporter(parse));
                WriteFiles(context, parse, files);
            }
            return CliContext.ExitOk;
        }));
        return command;
    }

    private static Command Run(CliContext context)
    {
        var job = new Option<string>("--job", "-j") { Description = "The job to run, by name.", Required = true };
        var command = new Command("run", "Run one job of the schedule under the runtime guard (what the scheduler calls). Exit 0 done, 1 failed, 75 refused.") { ScheduleOption, job };
        command.SetAction((parse, token) => context.ExecuteAsync(async () =>
        {
            var schedule = ReadSchedule(parse);
            var catalog = context.OpenOrCreateCatalog(parse);
            var result = await new StartScheduledJobOperation(catalog, ScheduledJobRunnerRegistry.Discover())
                .RunAsync(new StartScheduledJobRequest(schedule, parse.GetValue(job)!), context.Reporter(parse), token).ConfigureAwait(false);
            context.Output(parse).WriteOne(result, CliTables.ScheduledJobRunResult);
            return result.ExitCode;
        }));
        return command;
    }

    private static Command History(CliContext context)
    {
        var schedulePath = new Option<string?>("--schedule", "-s") { Description = "Only the runs of this schedule file's jobs. Default: every schedule's." };
        var job = new Option<string[]>("--job", "-j") { Description = "Only these jobs, by name (repeat the option, or list several after it).", AllowMultipleArgumentsPerToken = true };
        var last = new Option<int>("--last", "--limit") { Description = "At most this many runs per job (all jobs together without --job), newest first.", DefaultValueFactory = _ => GetJobHistoryRequest.DefaultLast };
        var status = new Option<ScheduleRunStatus?>("--status") { Description = "Only runs that ended with this status: Running, Succeeded, Failed, Refused or Abandoned." };
        var command = new Command("history", "List the scheduled runs the catalog recorded, newest first (Get-ClusterBackupJobHistory).") { schedulePath, job, last, status };
        command.SetAction((parse, token) => context.ExecuteAsync(async () =>
        {
            var request = new GetJobHistoryRequest(parse.GetValue(schedulePath), parse.GetValue(job), parse.GetValue(last), parse.GetValue(status));
            var runs = await new GetJobHistoryOperation(context.OpenCatalog(parse)).RunAsync(request, context.Reporter(parse), token).ConfigureAwait(false);
            context.Output(parse).Write(runs, CliTables.ScheduleRun);
            return CliContext.ExitOk;
        }));
        return command;
    }
}
