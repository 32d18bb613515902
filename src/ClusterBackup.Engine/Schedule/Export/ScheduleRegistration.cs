using ClusterBackup.Engine.Common;

namespace ClusterBackup.Engine.Schedule.Export;

/// <summary>Register and unregister: export for the scheduler, then hand the files to its installer.</summary>
public sealed class ScheduleRegistration(ISystemCommands? commands = null)
{
    private static readonly Lazy<IReadOnlyDictionary<SchedulerKind, IScheduleInstaller>> Installers = new(() =>
        typeof(IScheduleInstaller).Assembly.GetTypes()
            .Where(t => typeof(IScheduleInstaller).IsAssignableFrom(t) && t is { IsAbstract: false, IsInterface: false })
            .Select(t => (IScheduleInstaller)Activator.CreateInstance(t, nonPublic: true)!)
            .ToDictionary(i => i.Kind));

    private readonly ISystemCommands _commands = commands ?? SystemCommands.Instance;

    public IReadOnlyList<ScheduleExportFile> Register(BackupSchedule schedule, SchedulerKind scheduler, ExportOptions options, string? directory, IOperationReporter reporter)
    {
        var files = ScheduleExporters.Export(scheduler, schedule, options);
        return Installers.Value[scheduler].Install(schedule, files, options, new InstallTarget(_commands, directory, reporter));
    }

    public IReadOnlyList<string> Unregister(BackupSchedule schedule, SchedulerKind scheduler, ExportOptions options, string? directory, IOperationReporter reporter) =>
        Installers.Value[scheduler].Uninstall(schedule, options, new InstallTarget(_commands, directory, reporter));

    /// <summary>Writes export files into a folder, each through a temporary name; Task Scheduler files as UTF-16.</summary>
    public static IReadOnlyList<ScheduleExportFile> WriteFiles(IEnumerable<ScheduleExportFile> files, string directory)
    {
        try
        {
            Directory.CreateDirectory(directory);
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
        {
            throw new ClusterBackupException(ErrorKind.WriteError, directory, $"Cannot create '{directory}': {ex.Message}", ex);
        }
        return files.Select(file =>
        {
            var path = Path.Combine(directory, file.FileName);
            // Task Scheduler reads its task XML as UTF-16 with a byte order mark.
            AtomicFile.WriteAllText(path, file.Content, "the exported schedule file",
                file.Scheduler == SchedulerKind.TaskScheduler ? System.Text.Encoding.Unicode : null);
            return file with { Path = path };
        }).ToList();
    }

    internal static void Check(CommandResult result, string what)
    {
        if (result.ExitCode != 0)
            throw new ClusterBackupException(ErrorKind.InvalidOperation, what, $"'{what}' failed with exit code {result.ExitCode}: {result.Error.Trim()}{result.Output.Trim()}");
    }
}
