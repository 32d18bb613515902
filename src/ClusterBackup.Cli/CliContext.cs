using System.CommandLine;
using ClusterBackup.Engine.Catalog;
using ClusterBackup.Engine.Common;

namespace ClusterBackup.Cli;

/// <summary>
/// What every command shares: the global options, the output writers, a reporter that writes
/// engine progress and warnings to stderr, and the mapping of engine errors to exit codes.
/// </summary>
public sealed class CliContext(TextWriter stdout, TextWriter stderr)
{
    /// <summary>Exit codes. 0 success; 1 an operation failed; 2 bad usage or input; 130 and 143 stopped by a signal (<see cref="CliStopSignal"/>).</summary>
    public const int ExitOk = 0, ExitFailed = 1, ExitUsage = 2;

    public static readonly Option<string?> CatalogOption = new("--catalog")
    {
        Description = "Catalog (backup operations database) file. Default: $CLUSTERBACKUP_CATALOG or the backup server's default location.",
        Recursive = true,
    };

    public static readonly Option<string> OutputOption = new("--output", "-o")
    {
        Description = "Output format: table or json.",
        DefaultValueFactory = _ => "table",
        Recursive = true,
    };

    public static readonly Option<bool> VerboseOption = new("--verbose", "-v")
    {
        Description = "Tell what is happening, step by step, on stderr.",
        Recursive = true,
    };

    static CliContext() => OutputOption.AcceptOnlyFromAmong("table", "json");

    public TextWriter Out { get; } = stdout;
    public TextWriter Error { get; } = stderr;

    public IOperationReporter Reporter(ParseResult parse) => new CliReporter(Error, parse.GetValue(VerboseOption));

    /// <summary>
    /// Opens the engine as the cmdlets do (<see cref="EngineSession"/>): the configuration of <paramref name="configurationPath"/>
    /// (--config) as <paramref name="configuration"/> says, then the catalog of --catalog as <paramref name="catalog"/> says.
    /// </summary>
    public EngineSession OpenEngine(ParseResult parse, CatalogUse catalog, ConfigurationUse configuration = ConfigurationUse.None, string? configurationPath = null) =>
        EngineSession.Open(new EngineSessionRequest(parse.GetValue(CatalogOption), configurationPath, catalog, configuration), Reporter(parse));

    /// <summary>Opens the existing catalog of --catalog; a missing, empty or foreign file is an error naming it.</summary>
    public CatalogDatabase OpenCatalog(ParseResult parse) => OpenEngine(parse, CatalogUse.Existing).Catalog;

    /// <summary>Opens the catalog of --catalog, creating a new one when no file exists: for the commands that record new history.</summary>
    public CatalogDatabase OpenOrCreateCatalog(ParseResult parse) => OpenEngine(parse, CatalogUse.CreateIfMissing).Catalog;

    public CliOutput Output(ParseResult parse) => new(Out, parse.GetValue(OutputOption) == "json");

    /// <summary>Runs a command body, turning engine errors into a message on stderr and an exit code.</summary>
    public int Execute(Func<int> body)
    {
        try
        {
            return body();
        }
        catch (Exception ex)
        {
            return Fail(ex);
        }
    }

    public Task<int> ExecuteAsync(Func<Task<int>> body) => ExecuteAsyncCore(body);

    /// <summary>
    /// The exit code of a command whose items each succeed or fail on their own: every error is written, then 0 when
    /// there was none, 2 when every error was bad input, else 1.
    /// </summary>
    public int ExitCodeFor(IEnumerable<ClusterBackupException> errors)
    {
        var codes = errors.Select(Fail).ToList();
        return codes.Count == 0 ? ExitOk : codes.All(c => c == ExitUsage) ? ExitUsage : ExitFailed;
    }

    public int Fail(Exception exception)
    {
        if (exception is AggregateException { InnerExceptions.Count: 1 } aggregate)
            exception = aggregate.InnerException!;
        switch (exception)
        {
            case ClusterBackupException cb:
                // The cause, when the engine names one, is the same word as the cmdlet's FullyQualifiedErrorId.
                Error.WriteLine(cb.Cause is null ? $"clusterbackup: error: {cb.Message}" : $"clusterbackup: error: {cb.Message} ({cb.Cause})");
                return cb.Kind is ErrorKind.InvalidArgument or ErrorKind.ObjectNotFound or ErrorKind.InvalidConfiguration ? ExitUsage : ExitFailed;
            case OperationCanceledException:
                Error.WriteLine("clusterbackup: stopped.");
                return ExitFailed;
            default:
                Error.WriteLine($"clusterbackup: error: {exception.GetType().Name}: {exception.Message}");
                return ExitFailed;
        }
    }

    private async Task<int> ExecuteAsyncCore(Func<Task<int>> body)
    {
        try
        {
            return await body().ConfigureAwait(false);
        }
        catch (Exception ex)
        {
            return Fail(ex);
        }
    }
}
