using ClusterBackup.Engine.Common;
using ClusterBackup.Engine.Tape.Configuration;
using ClusterBackup.Engine.Tape.Library;

namespace ClusterBackup.Engine.Tape;

/// <summary>A media-agent configuration file to test, and the library whose drives it must use (default: the one it names).</summary>
public sealed record TestTapeAgentConfigurationRequest(string Path, string? LibraryPath = null);

/// <summary>The result of testing a media-agent configuration: valid or not, with every issue.</summary>
public sealed record TapeAgentConfigurationTest(string Path, bool Valid, int Agents, int MirrorLevels, IReadOnlyList<ConfigurationIssue> Issues);

/// <summary>
/// Test-TapeAgentConfiguration and `clusterbackup tape config test`: loads a media-agent configuration and validates it
/// against the drives of its library, returning every issue rather than the first.
/// </summary>
public sealed class TestTapeAgentConfigurationOperation(ITapeLibraryFactory libraries)
{
    public Task<TapeAgentConfigurationTest> RunAsync(TestTapeAgentConfigurationRequest request, IOperationReporter reporter, CancellationToken cancellationToken)
    {
        cancellationToken.ThrowIfCancellationRequested();
        var configuration = MediaAgentConfiguration.Load(request.Path);
        List<ConfigurationIssue> issues;
        if (configuration.Changer is not null)
            issues = configuration.Validate([]).ToList(); // the drives are the configuration's own; the changer is not asked
        else
        {
            var library = libraries.Open(request.LibraryPath, configuration);
            issues = configuration.Validate(library.GetDrives().Select(d => d.Name)).Concat(configuration.ValidateCartridges(library.GetCartridges())).ToList();
        }
        var levels = issues.Count == 0 ? configuration.Agents.Select(configuration.MirrorLevel).DefaultIfEmpty(0).Max() : 0;
        return Task.FromResult(new TapeAgentConfigurationTest(Path.GetFullPath(request.Path), issues.Count == 0, configuration.Agents.Count, levels, issues));
    }
}
