using System.Collections;
using System.Management.Automation;
using System.Management.Automation.Language;
using ClusterBackup.Engine.Catalog;
using ClusterBackup.Engine.Common;
using ClusterBackup.Engine.Tape;

namespace ClusterBackup.PowerShell.Completion;

/// <summary>Completes -Barcode with the cartridges of the library of -LibraryPath and those the catalog knows (of -Pool when given).</summary>
public sealed class BarcodeCompleter : IArgumentCompleter
{
    /// <summary>The barcodes that start with what was typed.</summary>
    public IEnumerable<CompletionResult> CompleteArgument(string commandName, string parameterName, string wordToComplete, CommandAst commandAst, IDictionary fakeBoundParameters)
    {
        var source = new CompletionSource(fakeBoundParameters);
        var pool = source.Bound("Pool");
        var catalogued = CompletionSource.Safely(() => source.Catalog() is { } catalog ? new TapeCatalog(catalog).GetCartridges(pool).Select(c => c.Barcode) : []);
        var inLibrary = CompletionSource.Safely(() => source.Engine() is { } engine
            ? engine.GetTapeCartridge().RunAsync(new GetTapeCartridgeRequest(source.BoundPath("LibraryPath"), pool), NullOperationReporter.Instance, CancellationToken.None)
                .GetAwaiter().GetResult().Select(c => c.Barcode)
            : []);
        return CompletionSource.Results(catalogued.Concat(inLibrary), wordToComplete);
    }
}
