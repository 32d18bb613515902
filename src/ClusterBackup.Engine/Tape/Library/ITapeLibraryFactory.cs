using ClusterBackup.Engine.Tape.Configuration;

namespace ClusterBackup.Engine.Tape.Library;

/// <summary>
/// Opens and creates the tape libraries (with their drives) the tape operations work on. The operations receive it in their
/// constructor from <see cref="Common.EngineSession"/>: the real one (<see cref="ConfiguredTapeLibraryFactory"/>) for both front
/// ends and the scheduled jobs, a test double where driving an operation onto a fake library or drive is the point of a test.
/// </summary>
public interface ITapeLibraryFactory
{
    /// <summary>
    /// The library a request names: the changer and drives of <paramref name="configuration"/> when it names a changer, else the
    /// virtual library of <paramref name="libraryPath"/> (the explicit path, else the configuration's, else $CLUSTERBACKUP_TAPE_LIBRARY).
    /// </summary>
    ITapeLibrary Open(string? libraryPath, MediaAgentConfiguration? configuration = null);

    /// <summary>Creates a virtual library in the folder <paramref name="path"/> with empty slots (docs/tape-library.md).</summary>
    ITapeLibrary CreateVirtual(string path, int drives, int slots);
}
