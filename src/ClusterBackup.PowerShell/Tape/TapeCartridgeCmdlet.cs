using System.Management.Automation;
using ClusterBackup.Engine.Common;
using ClusterBackup.Engine.Tape;
using ClusterBackup.PowerShell.Completion;

namespace ClusterBackup.PowerShell.Tape;

/// <summary>
/// The base of the cmdlets that do one library operation per cartridge (add, import, export, load, label): it holds
/// the -Barcode parameter and, for each barcode, asks ShouldProcess, runs the operation, writes the cartridge it
/// returns, and turns a failure into a non-terminating error for that barcode before going on with the next.
/// </summary>
public abstract class TapeCartridgeCmdlet : TapeCmdlet
{
    /// <summary>The cartridge barcodes; piped cartridges bind here.</summary>
    [Parameter(Mandatory = true, Position = 0, ValueFromPipelineByPropertyName = true)]
    [ArgumentCompleter(typeof(BarcodeCompleter))]
    public string[] Barcode { get; set; } = [];

    /// <summary>True for the cmdlets that may start a new catalog (adding and importing cartridges).</summary>
    protected virtual bool CreatesCatalog => false;

    /// <summary>The action ShouldProcess names for each cartridge.</summary>
    protected abstract string Action { get; }

    /// <summary>The library operation on one cartridge.</summary>
    protected abstract Task<TapeCartridgeInfo> RunAsync(EngineSession engine, string barcode, IOperationReporter reporter, CancellationToken cancellationToken);

    protected sealed override void ProcessRecord()
    {
        foreach (var barcode in Barcode)
        {
            if (!ShouldProcess(barcode, Action))
                continue;
            try
            {
                var engine = OpenEngine(new EngineSessionRequest(CatalogPath, Catalog: CreatesCatalog ? CatalogUse.CreateIfMissing : CatalogUse.Existing));
                WriteObject(RunEngine((token, reporter) => RunAsync(engine, barcode, reporter, token)));
            }
            catch (Exception ex) when (ex is not PipelineStoppedException)
            {
                WriteEngineError(ex, barcode);
            }
        }
    }
}
