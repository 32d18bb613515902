using ClusterBackup.Engine.Common;
using ClusterBackup.Engine.Tape.Configuration;
using ClusterBackup.Engine.Tape.Library;

namespace ClusterBackup.Engine.Tape;

/// <summary>The result of testing a media-agent configuration: valid or not, with every issue.</summary>
public sealed record TapeAgentConfigurationTest(string Path, bool Valid, int Agents, int MirrorLevels, IReadOnlyList<ConfigurationIssue> Issues);

/// <summary>Creates and tests media-agent configuration files.</summary>
public static class TapeAgentConfigurationOperations
{
    /// <summary>Writes a new configuration (temp name + rename) and returns it.</summary>
    public static MediaAgentConfiguration Create(string path, string? library, IReadOnlyList<string> backupDrives, IReadOnlyList<IReadOnlyList<string>> mirrorDrives,
        string pool, IReadOnlyList<string> mirrorPools, int blockSize, bool force)
    {
        if (File.Exists(path) && !force)
            throw new ClusterBackupException(ErrorKind.InvalidOperation, path, $"'{path}' exists; pass -Force (--force) to replace it.");
        var configuration = MediaAgentConfiguration.CreateDefault(backupDrives, mirrorDrives, pool, mirrorPools, blockSize);
        configuration.Library = library is null ? null : Path.GetFullPath(library);
        if (library is not null)
            configuration.EnsureValid(VirtualTapeLibrary.Open(library).GetDrives().Select(d => d.Name), path);
        AtomicFile.WriteAllText(path, configuration.ToJson(), "the media-agent configuration");
        return configuration;
    }

    /// <summary>Loads and validates a configuration against the drives of its library.</summary>
    public static TapeAgentConfigurationTest Test(string path, string? libraryPath)
    {
        var configuration = MediaAgentConfiguration.Load(path);
        var library = VirtualTapeLibrary.Open(TapeContext.ResolveLibraryPath(libraryPath, configuration));
        var issues = configuration.Validate(library.GetDrives().Select(d => d.Name));
        var levels = issues.Count == 0 ? configuration.Agents.Select(configuration.MirrorLevel).DefaultIfEmpty(0).Max() : 0;
        return new TapeAgentConfigurationTest(Path.GetFullPath(path), issues.Count == 0, configuration.Agents.Count, levels, issues);
    }
}
