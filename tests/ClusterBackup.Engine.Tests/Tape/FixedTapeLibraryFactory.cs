using ClusterBackup.Engine.Tape.Configuration;
using ClusterBackup.Engine.Tape.Library;

namespace ClusterBackup.Engine.Tests.Tape;

/// <summary>A test double of the tape library factory: every request gets the one library it was given, and the paths asked for are kept.</summary>
internal sealed class FixedTapeLibraryFactory(ITapeLibrary library) : ITapeLibraryFactory
{
    public List<string?> Opened { get; } = [];

    public ITapeLibrary Open(string? libraryPath, MediaAgentConfiguration? configuration = null)
    {
        Opened.Add(libraryPath);
        return library;
    }

    public ITapeLibrary CreateVirtual(string path, int drives, int slots) =>
        throw new InvalidOperationException("This factory hands out one existing library and creates none.");
}
