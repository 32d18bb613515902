using ClusterBackup.Engine.Catalog;
using ClusterBackup.Engine.Common;
using ClusterBackup.Engine.Tape.Agents;
using ClusterBackup.Engine.Tape.Configuration;
using ClusterBackup.Engine.Tape.Library;

namespace ClusterBackup.Engine.Tape;

/// <summary>The catalog and the library a tape operation works on: the catalog it was given, the library its request names.</summary>
public sealed class TapeContext
{
    public const string LibraryEnvironmentVariable = "CLUSTERBACKUP_TAPE_LIBRARY";

    public TapeContext(CatalogDatabase database, VirtualTapeLibrary library)
    {
        Database = database;
        Catalog = new TapeCatalog(database);
        Library = library;
    }

    public CatalogDatabase Database { get; }
    public TapeCatalog Catalog { get; }
    public VirtualTapeLibrary Library { get; }

    /// <summary>The library path: the explicit one, else the configuration's, else $CLUSTERBACKUP_TAPE_LIBRARY.</summary>
    public static string ResolveLibraryPath(string? libraryPath, MediaAgentConfiguration? configuration = null) =>
        libraryPath ?? configuration?.Library ?? Environment.GetEnvironmentVariable(LibraryEnvironmentVariable)
        ?? throw new ClusterBackupException(ErrorKind.InvalidArgument, "library",
            $"No tape library given: pass -LibraryPath (--library), name it in the media-agent configuration, or set {LibraryEnvironmentVariable}.");

    /// <summary>Opens the library of <paramref name="libraryPath"/> (see <see cref="ResolveLibraryPath"/>) beside the catalog.</summary>
    public static TapeContext Open(CatalogDatabase database, string? libraryPath, MediaAgentConfiguration? configuration = null) =>
        new(database, VirtualTapeLibrary.Open(ResolveLibraryPath(libraryPath, configuration)));

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
