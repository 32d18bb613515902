using ClusterBackup.Engine.Catalog;
using ClusterBackup.Engine.Common;
using ClusterBackup.Engine.Tape.Agents;
using ClusterBackup.Engine.Tape.Configuration;
using ClusterBackup.Engine.Tape.Library;

namespace ClusterBackup.Engine.Tape;

/// <summary>The catalog and the library a tape operation works on: the catalog it was given, the library its request names.</summary>
public sealed class TapeContext
{
    /// <summary>The environment variable naming the default virtual library folder.</summary>
    public const string LibraryEnvironmentVariable = "CLUSTERBACKUP_TAPE_LIBRARY";

    /// <summary>A context on <paramref name="library"/>: a virtual library, or a changer (<see cref="MtxTapeLibrary"/>).</summary>
    public TapeContext(CatalogDatabase database, ITapeLibrary library)
    {
        Database = database;
        Catalog = new TapeCatalog(database);
        Library = library;
    }

    /// <summary>The catalog database.</summary>
    public CatalogDatabase Database { get; }
    /// <summary>The tape repositories of the catalog.</summary>
    public TapeCatalog Catalog { get; }
    /// <summary>The library the operation works on.</summary>
    public ITapeLibrary Library { get; }

    /// <summary>The library as a virtual library, for what only a virtual library does (add, import and export cartridge files).</summary>
    public VirtualTapeLibrary Virtual => Library as VirtualTapeLibrary
        ?? throw new ClusterBackupException(ErrorKind.InvalidOperation, Library.Name,
            $"Library {Library.Name} is a medium changer; adding, importing and exporting cartridges is done at the changer itself.");

    /// <summary>The library path: the explicit one, else the configuration's, else $CLUSTERBACKUP_TAPE_LIBRARY.</summary>
    public static string ResolveLibraryPath(string? libraryPath, MediaAgentConfiguration? configuration = null) =>
        libraryPath ?? configuration?.Library ?? Environment.GetEnvironmentVariable(LibraryEnvironmentVariable)
        ?? throw new ClusterBackupException(ErrorKind.InvalidArgument, "library",
            $"No tape library given: pass -LibraryPath (--library), name it in the media-agent configuration, or set {LibraryEnvironmentVariable}.");

    /// <summary>
    /// Opens the library beside the catalog through <paramref name="libraries"/>: the changer and drives the configuration names, or
    /// the virtual library of <paramref name="libraryPath"/> (see <see cref="ResolveLibraryPath"/>).
    /// </summary>
    public static TapeContext Open(CatalogDatabase database, ITapeLibraryFactory libraries, string? libraryPath, MediaAgentConfiguration? configuration = null) =>
        new(database, libraries.Open(libraryPath, configuration));

    /// <summary>
    /// Opens the library the media-agent configuration file <paramref name="configurationPath"/> names (its changer and drives, or its
    /// virtual library); without a file, the virtual library of <paramref name="libraryPath"/>.
    /// </summary>
    public static TapeContext OpenFor(CatalogDatabase database, ITapeLibraryFactory libraries, string? libraryPath, string? configurationPath) =>
        Open(database, libraries, libraryPath, configurationPath is null ? null : MediaAgentConfiguration.Load(configurationPath));

    /// <summary>The name of the lock file of a library's writers.</summary>
    public const string WriterLockFileName = "library.lock";

    /// <summary>
    /// Takes the library's writer lock for a whole tape write session (<see cref="WriterLock"/>): one writer per library,
    /// across processes and machines, so no two sessions ever pick and write one cartridge. The lock file is
    /// <c>library.lock</c> in a virtual library's folder; for a changer, <c>locks/tape-&lt;changer&gt;.lock</c> beside the catalog (<see cref="CatalogDatabase.LockPath"/>).
    /// A second writer waits (<see cref="WriterLock.DefaultWait"/>), then refuses naming the library and the holder.
    /// </summary>
    public WriterLock LockForWriting(string operation, CancellationToken cancellationToken)
    {
        var path = Library is VirtualTapeLibrary virtualLibrary
            ? Path.Combine(virtualLibrary.Root, WriterLockFileName)
            : Database.LockPath("tape-" + Library.Name);
        return WriterLock.Acquire(path, $"tape library {Library.Name}", operation, cancellationToken: cancellationToken);
    }

    /// <summary>A drive of the library that holds no cartridge, other than <paramref name="except"/>, for reading.</summary>
    public string FreeDrive(params string?[] except)
    {
        var drives = Library.GetDrives();
        return drives.FirstOrDefault(d => d.Barcode is null && !except.Contains(d.Name, StringComparer.OrdinalIgnoreCase))?.Name
               ?? drives.FirstOrDefault(d => !except.Contains(d.Name, StringComparer.OrdinalIgnoreCase))?.Name
               ?? throw new ClusterBackupException(ErrorKind.ResourceBusy, Library.Name, $"Library {Library.Name} has no drive free for reading.");
    }

    /// <summary>Builds the agents of a configuration, each with its volumes from one allocator for the job.</summary>
    public Dictionary<string, BackupMediaAgent> BuildAgents(MediaAgentConfiguration configuration, VolumeAllocator allocator, bool dedicatedVolumes = false)
    {
        var agents = new Dictionary<string, BackupMediaAgent>(StringComparer.OrdinalIgnoreCase);
        foreach (var definition in configuration.Agents)
            agents[definition.Name] = new BackupMediaAgent(definition.Name, configuration.MirrorLevel(definition), definition.Pool, definition.BlockSize,
                allocator.For(definition.Drive, definition.Pool, definition.BlockSize, dedicatedVolumes));
        return agents;
    }

    /// <summary>Records a write session, then warns about what failed; returns the result's error as an exception.</summary>
    public void Record(TapeWriteResult result, IOperationReporter reporter)
    {
        Catalog.RecordSession(result.ToSessionRecord());
        if (result.Error is not null)
            reporter.Warning($"Tape session {result.SessionId} ({result.Job}) failed: {result.Error.Message} What was completed before the failure is recorded.");
    }
}
