using ClusterBackup.Engine.Common;
using ClusterBackup.Engine.Tape.Drives;

namespace ClusterBackup.Engine.Tape.Library;

/// <summary>Runs <c>mtx</c> against a changer device and returns what it printed; a test double replays recorded output.</summary>
public interface IMtxRunner
{
    /// <summary>Runs <c>mtx -f {changer} {arguments}</c>; a non-zero exit is an error naming the changer and mtx's message.</summary>
    string Run(string changer, IReadOnlyList<string> arguments, CancellationToken cancellationToken = default);
}

/// <summary>Runs the real <c>mtx</c> program (Debian package mtx) through <see cref="ExternalProcess"/>. Unverified against a real changer.</summary>
public sealed class MtxRunner(string program = "mtx") : IMtxRunner
{
    /// <inheritdoc />
    public string Run(string changer, IReadOnlyList<string> arguments, CancellationToken cancellationToken = default)
    {
        var result = ExternalProcess.RunAsync(new ExternalCommand(program, ["-f", changer, .. arguments], changer, Timeout: TimeSpan.FromMinutes(10)), cancellationToken)
            .GetAwaiter().GetResult();
        if (result.ExitCode != 0)
            throw new ClusterBackupException(ErrorKind.ResourceUnavailable, changer,
                $"Changer {changer}: `{program} -f {changer} {string.Join(" ", arguments)}` failed with exit code {result.ExitCode}: {result.StandardError.Trim()}");
        return result.StandardOutput;
    }
}

/// <summary>One drive of a changer library: its name in the configuration, its data transfer element, and the OS drive that reads and writes.</summary>
public sealed record MtxLibraryDrive(string Name, int Element, ITapeDrive Device);

/// <summary>
/// A SCSI medium changer driven through <c>mtx</c>: cartridges and slots come from <c>mtx status</c> (<see cref="MtxStatus"/>),
/// loading and unloading are <c>mtx load &lt;slot&gt; &lt;drive&gt;</c> and <c>mtx unload &lt;slot&gt; &lt;drive&gt;</c>, and each drive is read and
/// written through its OS device (Linux st or Windows tape). Cartridges are known by their barcodes; a cartridge without one cannot be
/// chosen. The library cannot tell how much of a cartridge is used, so it reports <see cref="LibraryCartridge.BytesUsed"/> as -1 and a
/// cartridge the catalog does not know is never labelled (erased) on its own.
/// Tested against recorded <c>mtx status</c> output and a recording runner only; <b>unverified on a real changer</b>.
/// </summary>
public sealed class MtxTapeLibrary(string changer, IReadOnlyList<MtxLibraryDrive> drives, IMtxRunner runner) : ITapeLibrary
{
    private readonly object _gate = new();

    /// <summary>The changer device, e.g. /dev/sg3.</summary>
    public string Name => changer;

    /// <summary>The changer's state now.</summary>
    public MtxStatus Status() => MtxStatus.Parse(runner.Run(changer, ["status"]), changer);

    /// <inheritdoc />
    public IReadOnlyList<LibraryDrive> GetDrives()
    {
        var status = Status();
        return drives.Select(d => new LibraryDrive(d.Name, ElementOf(status, d).Barcode)).ToList();
    }

    /// <inheritdoc />
    public LibraryDrive GetDrive(string drive)
    {
        var d = Find(drive);
        return new LibraryDrive(d.Name, ElementOf(Status(), d).Barcode);
    }

    /// <inheritdoc />
    public IReadOnlyList<LibraryCartridge> GetCartridges()
    {
        var status = Status();
        var inDrives = drives.Select(d => (Drive: d, Element: ElementOf(status, d))).Where(x => x.Element is { Full: true, Barcode: not null })
            .Select(x => new LibraryCartridge(x.Element.Barcode!, CartridgeLocation.Drive, x.Element.SourceSlot, x.Drive.Name, 0, 0, -1));
        var inSlots = status.Slots.Where(s => s is { Full: true, Barcode: not null, ImportExport: false })
            .Select(s => new LibraryCartridge(s.Barcode!, CartridgeLocation.Slot, s.Element, null, 0, 0, -1));
        return inDrives.Concat(inSlots).OrderBy(c => c.Barcode, StringComparer.Ordinal).ToList();
    }

    /// <inheritdoc />
    public ITapeDrive Load(string drive, string barcode)
    {
        var d = Find(drive);
        lock (_gate)
        {
            var status = Status();
            var element = ElementOf(status, d);
            if (element.Full && string.Equals(element.Barcode, barcode, StringComparison.OrdinalIgnoreCase))
            {
                d.Device.Load();
                return d.Device;
            }
            var other = status.Drives.FirstOrDefault(x => x.Full && string.Equals(x.Barcode, barcode, StringComparison.OrdinalIgnoreCase));
            if (other is not null)
                throw new ClusterBackupException(ErrorKind.ResourceBusy, barcode, $"Cartridge {barcode} is in data transfer element {other.Element} of changer {changer}.");
            var slot = status.Slots.FirstOrDefault(s => s.Full && string.Equals(s.Barcode, barcode, StringComparison.OrdinalIgnoreCase))
                ?? throw new ClusterBackupException(ErrorKind.ObjectNotFound, barcode, $"Cartridge {barcode} is in no slot of changer {changer}.");
            if (element.Full)
                UnloadElement(d, element, status);
            runner.Run(changer, ["load", slot.Element.ToString(System.Globalization.CultureInfo.InvariantCulture), d.Element.ToString(System.Globalization.CultureInfo.InvariantCulture)]);
            d.Device.Load();
            return d.Device;
        }
    }

    /// <inheritdoc />
    public void Unload(string drive)
    {
        var d = Find(drive);
        lock (_gate)
        {
            var status = Status();
            var element = ElementOf(status, d);
            if (element.Full)
                UnloadElement(d, element, status);
        }
    }

    private void UnloadElement(MtxLibraryDrive drive, MtxDrive element, MtxStatus status)
    {
        // Back to the slot it came from; when the changer does not know it, to the first empty slot.
        var slot = element.SourceSlot ?? status.Slots.FirstOrDefault(s => !s.Full && !s.ImportExport)?.Element
            ?? throw new ClusterBackupException(ErrorKind.ResourceUnavailable, changer, $"Changer {changer} has no empty slot to unload drive {drive.Name} into.");
        drive.Device.Unload();
        runner.Run(changer, ["unload", slot.ToString(System.Globalization.CultureInfo.InvariantCulture), drive.Element.ToString(System.Globalization.CultureInfo.InvariantCulture)]);
    }

    private MtxLibraryDrive Find(string drive) =>
        drives.FirstOrDefault(d => string.Equals(d.Name, drive, StringComparison.OrdinalIgnoreCase))
        ?? throw new ClusterBackupException(ErrorKind.ObjectNotFound, drive, $"Changer {changer} has no drive {drive} (drives: {string.Join(", ", drives.Select(d => d.Name))}).");

    private MtxDrive ElementOf(MtxStatus status, MtxLibraryDrive drive) =>
        status.Drives.FirstOrDefault(e => e.Element == drive.Element)
        ?? throw new ClusterBackupException(ErrorKind.InvalidArgument, drive.Name,
            $"Drive {drive.Name} is configured as data transfer element {drive.Element}, but changer {changer} has elements {string.Join(", ", status.Drives.Select(e => e.Element))}.");
}
