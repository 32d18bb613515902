using System.Collections;
using System.Management.Automation;
using System.Management.Automation.Language;
using ClusterBackup.Engine.Common;
using ClusterBackup.Engine.Tape;

namespace ClusterBackup.PowerShell.Completion;

/// <summary>Completes -Drive (and -MirrorDrive, -ReadDrive) with the drives of the library of -LibraryPath.</summary>
public sealed class DriveCompleter : IArgumentCompleter
{
    /// <summary>The drive names that start with what was typed.</summary>
    public IEnumerable<CompletionResult> CompleteArgument(string commandName, string parameterName, string wordToComplete, CommandAst commandAst, IDictionary fakeBoundParameters)
    {
        var source = new CompletionSource(fakeBoundParameters);
        var drives = CompletionSource.Safely(() => EngineSession.Open(new EngineSessionRequest(null, Catalog: CatalogUse.None), NullOperationReporter.Instance).GetTapeDrive()
            .RunAsync(new GetTapeDriveRequest(source.BoundPath("LibraryPath")), NullOperationReporter.Instance, CancellationToken.None)
            .GetAwaiter().GetResult().Select(d => d.Name));
        return CompletionSource.Results(drives, wordToComplete);
    }
}
