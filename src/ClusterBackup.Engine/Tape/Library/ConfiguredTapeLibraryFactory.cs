using ClusterBackup.Engine.Tape.Configuration;

namespace ClusterBackup.Engine.Tape.Library;

/// <summary>
/// The real tape libraries: a changer through <c>mtx</c> with Linux st or Windows tape drives (<see cref="TapeLibraryFactory"/>) when
/// the media-agent configuration names one, else the virtual library (<see cref="VirtualTapeLibrary"/>). The changer and the real
/// drives are unverified on real hardware.
/// </summary>
public sealed class ConfiguredTapeLibraryFactory : ITapeLibraryFactory
{
    private ConfiguredTapeLibraryFactory()
    {
    }

    /// <summary>The one instance: it holds no state.</summary>
    public static ConfiguredTapeLibraryFactory Default { get; } = new();

    public ITapeLibrary Open(string? libraryPath, MediaAgentConfiguration? configuration = null) =>
        configuration?.Changer is not null
            ? TapeLibraryFactory.Open(configuration)
            : VirtualTapeLibrary.Open(TapeContext.ResolveLibraryPath(libraryPath, configuration));

    public ITapeLibrary CreateVirtual(string path, int drives, int slots) => VirtualTapeLibrary.Create(path, drives, slots);
}
