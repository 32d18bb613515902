using ClusterBackup.Engine.Common;
using ClusterBackup.Engine.Tape.Configuration;
using ClusterBackup.Engine.Tape.Library;

namespace ClusterBackup.Engine.Tape;

/// <summary>A media-agent configuration to write: backup agents, their mirror levels, pools and block size.</summary>
/// <param name="Path">The configuration file to write.</param>
/// <param name="LibraryPath">The library whose drives the agents use; recorded in the file and checked against. Null: no library is named or checked.</param>
/// <param name="BackupDrives">The drives of the backup group, one agent each.</param>
/// <param name="MirrorDrives">The drives of each mirror level (level 1 first), one per backup agent, daisy-chained from the level before.</param>
/// <param name="Pool">The pool of the backup group.</param>
/// <param name="MirrorPools">The pools of mirror levels 1, 2, ...</param>
/// <param name="BlockSize">Block size in bytes for every agent.</param>
/// <param name="Force">Replace an existing file.</param>
public sealed record NewTapeAgentConfigurationRequest(string Path, string? LibraryPath, IReadOnlyList<string> BackupDrives,
    IReadOnlyList<IReadOnlyList<string>> MirrorDrives, string Pool, IReadOnlyList<string> MirrorPools, int BlockSize, bool Force);

/// <summary>
/// New-TapeAgentConfiguration and `clusterbackup tape config new`: writes a media-agent configuration
/// (docs/media-agent-configuration.md; temporary name + rename) and returns it tested against the library's drives.
/// </summary>
public sealed class NewTapeAgentConfigurationOperation(ITapeLibraryFactory libraries)
{
    public async Task<TapeAgentConfigurationTest> RunAsync(NewTapeAgentConfigurationRequest request, IOperationReporter reporter, CancellationToken cancellationToken)
    {
        cancellationToken.ThrowIfCancellationRequested();
        var path = request.Path;
        if (File.Exists(path) && !request.Force)
            throw new ClusterBackupException(ErrorKind.InvalidOperation, path, $"'{path}' exists; pass -Force (--force) to replace it.");
        var configuration = MediaAgentConfiguration.CreateDefault(request.BackupDrives, request.MirrorDrives, request.Pool, request.MirrorPools, request.BlockSize);
        configuration.Library = request.LibraryPath is null ? null : System.IO.Path.GetFullPath(request.LibraryPath);
        if (request.LibraryPath is not null)
            configuration.EnsureValid(libraries.Open(request.LibraryPath).GetDrives().Select(d => d.Name), path);
        AtomicFile.WriteAllText(path, configuration.ToJson(), "the media-agent configuration");
        return await new TestTapeAgentConfigurationOperation(libraries)
            .RunAsync(new TestTapeAgentConfigurationRequest(path, request.LibraryPath), reporter, cancellationToken).ConfigureAwait(false);
    }
}
