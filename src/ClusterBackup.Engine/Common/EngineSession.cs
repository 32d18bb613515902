using ClusterBackup.Engine.Backup;
using ClusterBackup.Engine.Catalog;
using ClusterBackup.Engine.Configuration;
using ClusterBackup.Engine.Tape;
using ClusterBackup.Engine.Tape.Library;

namespace ClusterBackup.Engine.Common;

/// <summary>How a command uses the catalog.</summary>
public enum CatalogUse
{
    /// <summary>The command works without a catalog.</summary>
    None,

    /// <summary>The catalog must exist: a command that reads state never creates one.</summary>
    Existing,

    /// <summary>A new catalog is created when no file exists at the path: for the commands that record new history.</summary>
    CreateIfMissing,
}

/// <summary>How a command uses the configuration file.</summary>
public enum ConfigurationUse
{
    /// <summary>The command works without a configuration.</summary>
    None,

    /// <summary>Read when there is one (tool folders, accounts), else the engines' defaults: an absent default file is no error,
    /// an explicit path that does not exist is.</summary>
    Optional,

    /// <summary>The configuration must exist: the command resolves clusters and servers by name.</summary>
    Required,
}

/// <summary>What a front end names: the paths the admin gave (null: the defaults) and what the command needs.</summary>
/// <param name="CatalogPath">-CatalogPath / --catalog; null is CLUSTERBACKUP_CATALOG or the backup server's default location.</param>
/// <param name="ConfigurationPath">-ConfigurationPath / --config; null is CLUSTERBACKUP_CONFIG or clusterbackup.json next to the catalog.</param>
/// <param name="Catalog">Whether the catalog is opened, and whether it may be created.</param>
/// <param name="Configuration">Whether the configuration is read.</param>
public sealed record EngineSessionRequest(
    string? CatalogPath,
    string? ConfigurationPath = null,
    CatalogUse Catalog = CatalogUse.Existing,
    ConfigurationUse Configuration = ConfigurationUse.None);

/// <summary>
/// The one way both front ends open the engine: the configuration first, then the catalog, so a command whose
/// configuration is missing or invalid fails before anything is created, and every failure is the same
/// <see cref="ClusterBackupException"/> in PowerShell and in the CLI (the file and the cause named). It also holds the
/// providers the operations it builds receive (<see cref="ProviderRegistry"/> for clusters and engines, <see cref="ITapeLibraryFactory"/> for
/// tape libraries and drives): the real ones, unless a test passes others.
/// </summary>
public sealed class EngineSession
{
    private readonly CatalogDatabase? _catalog;
    private readonly ConfigurationUse _configurationUse;

    private EngineSession(CatalogDatabase? catalog, ClusterBackupConfiguration? configuration, ConfigurationUse configurationUse, ProviderRegistry providers,
        ITapeLibraryFactory tapeLibraries)
    {
        _catalog = catalog;
        Configuration = configuration;
        _configurationUse = configurationUse;
        Providers = providers;
        TapeLibraries = tapeLibraries;
    }

    /// <summary>Opens what <paramref name="request"/> asks for; warnings about the catalog (a network path) go to <paramref name="reporter"/>.</summary>
    public static EngineSession Open(EngineSessionRequest request, IOperationReporter reporter, ProviderRegistry? providers = null,
        ITapeLibraryFactory? tapeLibraries = null)
    {
        var configuration = request.Configuration switch
        {
            ConfigurationUse.Required => ClusterBackupConfiguration.Load(request.ConfigurationPath, request.CatalogPath),
            ConfigurationUse.Optional => LoadIfPresent(request),
            _ => null,
        };
        var catalog = request.Catalog switch
        {
            CatalogUse.Existing => CatalogDatabase.Open(request.CatalogPath, reporter),
            CatalogUse.CreateIfMissing => CatalogDatabase.OpenOrCreate(request.CatalogPath, reporter),
            _ => null,
        };
        return new EngineSession(catalog, configuration, request.Configuration, providers ?? ProviderRegistry.Default,
            tapeLibraries ?? ConfiguredTapeLibraryFactory.Default);
    }

    /// <summary>The catalog; asking for it when the request opened none is a mistake in the front end.</summary>
    public CatalogDatabase Catalog => _catalog ?? throw new InvalidOperationException("This engine session was opened without a catalog.");

    /// <summary>The configuration; null when the command did not ask for one, or asked for an optional one and there is none.</summary>
    public ClusterBackupConfiguration? Configuration { get; }

    /// <summary>The providers the operations of this session create their clusters and engines through.</summary>
    public ProviderRegistry Providers { get; }

    /// <summary>The factory the tape operations of this session open their libraries and drives through.</summary>
    public ITapeLibraryFactory TapeLibraries { get; }

    /// <summary>Start-ClusterDbBackup, `clusterbackup backup` and the scheduled database backups.</summary>
    public BackupDatabaseOperation BackupDatabase() => new(RequiredConfiguration, Catalog, Providers);

    /// <summary>Test-ClusterDbBackup and `clusterbackup verify`.</summary>
    public VerifyBackupSetOperation VerifyBackupSet() => new(Catalog, Configuration, Providers);

    /// <summary>Restore-ClusterDbBackup and `clusterbackup restore`.</summary>
    public RestoreDatabaseOperation RestoreDatabase() => new(Catalog, Configuration, Providers);

    /// <summary>Get-ClusterDbBackupSet and `clusterbackup catalog list`.</summary>
    public ListBackupSetOperation ListBackupSet() => new(Catalog);

    /// <summary>Backup-TapeBackupSet, `clusterbackup tape backup` and the scheduled share-to-tape jobs.</summary>
    public BackupToTapeOperation BackupToTape() => new(Catalog, TapeLibraries);

    /// <summary>Copy-TapeObject and `clusterbackup tape copy`.</summary>
    public CopyTapeObjectOperation CopyTapeObject() => new(Catalog, TapeLibraries);

    /// <summary>Restore-TapeObject and `clusterbackup tape restore`.</summary>
    public RestoreTapeObjectOperation RestoreTapeObject() => new(Catalog, TapeLibraries);

    /// <summary>Test-TapeObject and `clusterbackup tape verify`.</summary>
    public TestTapeObjectOperation TestTapeObject() => new(Catalog, TapeLibraries);

    /// <summary>Get-TapeObject -FromMedia and `clusterbackup tape list --from-media`: what a cartridge holds, read from the tape.</summary>
    public ReadTapeCartridgeOperation ReadTapeCartridge() => new(Catalog, TapeLibraries);

    /// <summary>Get-TapeObject and `clusterbackup tape list`: the catalog's tape objects; opens no library.</summary>
    public GetTapeObjectOperation GetTapeObject() => new(Catalog);

    /// <summary>Get-TapeRetention and `clusterbackup tape retention`; opens no library.</summary>
    public GetTapeRetentionOperation GetTapeRetention() => new(Catalog);

    /// <summary>Get-TapeCartridge and `clusterbackup tape cartridge list`.</summary>
    public GetTapeCartridgeOperation GetTapeCartridge() => new(Catalog, TapeLibraries);

    /// <summary>Add-TapeCartridge and `clusterbackup tape cartridge add`.</summary>
    public AddTapeCartridgeOperation AddTapeCartridge() => new(Catalog, TapeLibraries);

    /// <summary>Import-TapeCartridge and `clusterbackup tape cartridge import`.</summary>
    public ImportTapeCartridgeOperation ImportTapeCartridge() => new(Catalog, TapeLibraries);

    /// <summary>Export-TapeCartridge and `clusterbackup tape cartridge export`.</summary>
    public ExportTapeCartridgeOperation ExportTapeCartridge() => new(Catalog, TapeLibraries);

    /// <summary>Mount-TapeCartridge and `clusterbackup tape cartridge load`.</summary>
    public MountTapeCartridgeOperation MountTapeCartridge() => new(Catalog, TapeLibraries);

    /// <summary>Dismount-TapeCartridge and `clusterbackup tape cartridge unload`.</summary>
    public DismountTapeCartridgeOperation DismountTapeCartridge() => new(Catalog, TapeLibraries);

    /// <summary>Initialize-TapeCartridge and `clusterbackup tape cartridge label`.</summary>
    public InitializeTapeCartridgeOperation InitializeTapeCartridge() => new(Catalog, TapeLibraries);

    /// <summary>Get-TapeDrive and `clusterbackup tape drives`; needs no catalog.</summary>
    public GetTapeDriveOperation GetTapeDrive() => new(TapeLibraries);

    /// <summary>New-TapeLibrary and `clusterbackup tape library create`; needs no catalog.</summary>
    public NewTapeLibraryOperation NewTapeLibrary() => new(TapeLibraries);

    /// <summary>New-TapeAgentConfiguration and `clusterbackup tape config new`; needs no catalog.</summary>
    public NewTapeAgentConfigurationOperation NewTapeAgentConfiguration() => new(TapeLibraries);

    /// <summary>Test-TapeAgentConfiguration and `clusterbackup tape config test`; needs no catalog.</summary>
    public TestTapeAgentConfigurationOperation TestTapeAgentConfiguration() => new(TapeLibraries);

    private ClusterBackupConfiguration RequiredConfiguration =>
        _configurationUse == ConfigurationUse.Required
            ? Configuration!
            : throw new InvalidOperationException("This engine session was opened without a required configuration.");

    private static ClusterBackupConfiguration? LoadIfPresent(EngineSessionRequest request)
    {
        var path = ClusterBackupConfiguration.ResolvePath(request.ConfigurationPath, request.CatalogPath);
        return request.ConfigurationPath is null && !File.Exists(path) ? null : ClusterBackupConfiguration.Load(path);
    }
}
