using ClusterBackup.Engine.Common;
using ClusterBackup.Engine.Tape.Drives;
using ClusterBackup.Engine.Tape.Format;
using Newtonsoft.Json;

namespace ClusterBackup.Engine.Tape.Library;

/// <summary>
/// A tape library in a directory: library.json (slots, drives, cartridge sizes), cartridges/&lt;barcode&gt;.tap
/// (SIMH files), import/ (drop a .tap there and import it) and export/ (where exported cartridges go).
/// The state file is replaced atomically (temp name + rename) after every change; one process-wide lock
/// per library path serialises robot moves, as one robot arm does.
/// </summary>
public sealed class VirtualTapeLibrary : ITapeLibrary
{
    public const string StateFileName = "library.json";
    public const long DefaultCapacityBytes = 1L << 30;
    public const long DefaultEarlyWarningBytes = 4L << 20;
    private static readonly Dictionary<string, object> Locks = new(StringComparer.Ordinal);
    private readonly object _gate;
    private readonly Dictionary<string, VirtualTapeDrive> _drives = new(StringComparer.OrdinalIgnoreCase);

    private VirtualTapeLibrary(string root)
    {
        Root = root;
        lock (Locks)
        {
            if (!Locks.TryGetValue(root, out var gate))
                Locks[root] = gate = new object();
            _gate = gate;
        }
    }

    public string Root { get; }
    public string Name => Path.GetFileName(Root.TrimEnd(Path.DirectorySeparatorChar));
    private string StatePath => Path.Combine(Root, StateFileName);
    private string CartridgeDirectory => Path.Combine(Root, "cartridges");
    public string ImportDirectory => Path.Combine(Root, "import");
    public string ExportDirectory => Path.Combine(Root, "export");

    /// <summary>Creates a library with <paramref name="drives"/> drives (drive0..) and <paramref name="slots"/> empty slots.</summary>
    public static VirtualTapeLibrary Create(string root, int drives, int slots)
    {
        if (drives < 1 || slots < 1)
            throw new ClusterBackupException(ErrorKind.InvalidArgument, root, "A library needs at least one drive and one slot.");
        root = Path.GetFullPath(root);
        if (File.Exists(Path.Combine(root, StateFileName)))
            throw new ClusterBackupException(ErrorKind.InvalidOperation, root, $"A tape library already exists in '{root}'.");
        Directory.CreateDirectory(root);
        var library = new VirtualTapeLibrary(root);
        Directory.CreateDirectory(library.CartridgeDirectory);
        Directory.CreateDirectory(library.ImportDirectory);
        Directory.CreateDirectory(library.ExportDirectory);
        library.Save(new LibraryState
        {
            Drives = Enumerable.Range(0, drives).Select(i => new DriveState { Name = $"drive{i}" }).ToList(),
            Slots = slots,
        });
        return library;
    }

    public static VirtualTapeLibrary Open(string root)
    {
        root = Path.GetFullPath(root);
        if (!File.Exists(Path.Combine(root, StateFileName)))
            throw new ClusterBackupException(ErrorKind.ObjectNotFound, root, $"No tape library in '{root}' ({StateFileName} is missing). Create one with New-TapeLibrary or `clusterbackup tape library create`.") { Cause = "TapeLibraryNotFound" };
        var library = new VirtualTapeLibrary(root);
        library.Load();
        return library;
    }

    public IReadOnlyList<LibraryDrive> GetDrives()
    {
        lock (_gate)
            return Load().Drives.Select(d => new LibraryDrive(d.Name, d.Barcode)).ToList();
    }

    public LibraryDrive GetDrive(string drive)
    {
        lock (_gate)
        {
            var state = FindDrive(Load(), drive);
            return new LibraryDrive(state.Name, state.Barcode);
        }
    }

    public IReadOnlyList<LibraryCartridge> GetCartridges()
    {
        lock (_gate)
        {
            var state = Load();
            return state.Cartridges.Select(c => ToCartridge(state, c)).OrderBy(c => c.Barcode, StringComparer.Ordinal).ToList();
        }
    }

    /// <summary>
    /// Refuses an early-warning zone too small for even the smallest block size (<see cref="TapeFormat.MinimumEarlyWarningBytes"/>);
    /// whether it suits the agents' block sizes is checked with the media-agent configuration.
    /// </summary>
    private static void ValidateEarlyWarning(string barcode, long earlyWarningBytes)
    {
        var minimum = TapeFormat.MinimumEarlyWarningBytes(TapeFormat.MinBlockSize);
        if (earlyWarningBytes < minimum)
            throw new ClusterBackupException(ErrorKind.InvalidArgument, barcode,
                $"Cartridge {barcode}: EarlyWarningBytes ({earlyWarningBytes}) is smaller than {minimum}, the zone two blocks of the smallest block size ({TapeFormat.MinBlockSize}) need to span onto the next cartridge.");
    }

    /// <summary>Adds a new blank cartridge in the first free slot.</summary>
    public LibraryCartridge AddCartridge(string barcode, long capacityBytes = DefaultCapacityBytes, long earlyWarningBytes = DefaultEarlyWarningBytes)
    {
        ValidateBarcode(barcode);
        ValidateEarlyWarning(barcode, earlyWarningBytes);
        if (capacityBytes <= earlyWarningBytes)
            throw new ClusterBackupException(ErrorKind.InvalidArgument, barcode, $"Cartridge {barcode}: the capacity ({capacityBytes}) must exceed the early-warning zone ({earlyWarningBytes}).");
        lock (_gate)
        {
            var state = Load();
            if (state.Cartridges.Any(c => string.Equals(c.Barcode, barcode, StringComparison.OrdinalIgnoreCase)))
                throw new ClusterBackupException(ErrorKind.InvalidOperation, barcode, $"Cartridge {barcode} is already in library {Name}.");
            var slot = FreeSlot(state, barcode);
            using (File.Create(CartridgePath(barcode))) { }
            var cartridge = new CartridgeState { Barcode = barcode, Slot = slot, CapacityBytes = capacityBytes, EarlyWarningBytes = earlyWarningBytes };
            state.Cartridges.Add(cartridge);
            Save(state);
            return ToCartridge(state, cartridge);
        }
    }

    /// <summary>Imports import/&lt;barcode&gt;.tap into a free slot.</summary>
    public LibraryCartridge Import(string barcode, long capacityBytes = DefaultCapacityBytes, long earlyWarningBytes = DefaultEarlyWarningBytes)
    {
        ValidateBarcode(barcode);
        ValidateEarlyWarning(barcode, earlyWarningBytes);
        lock (_gate)
        {
            var state = Load();
            var source = Path.Combine(ImportDirectory, barcode + ".tap");
            if (!File.Exists(source))
                throw new ClusterBackupException(ErrorKind.ObjectNotFound, barcode, $"No cartridge {barcode}.tap in the import folder '{ImportDirectory}'.");
            if (state.Cartridges.Any(c => string.Equals(c.Barcode, barcode, StringComparison.OrdinalIgnoreCase) && (c.Slot is not null || c.Drive is not null)))
                throw new ClusterBackupException(ErrorKind.InvalidOperation, barcode, $"Cartridge {barcode} is already in library {Name}.");
            state.Cartridges.RemoveAll(c => string.Equals(c.Barcode, barcode, StringComparison.OrdinalIgnoreCase));
            var slot = FreeSlot(state, barcode);
            capacityBytes = Math.Max(capacityBytes, new FileInfo(source).Length + earlyWarningBytes + 1);
            File.Move(source, CartridgePath(barcode), overwrite: false);
            var cartridge = new CartridgeState { Barcode = barcode, Slot = slot, CapacityBytes = capacityBytes, EarlyWarningBytes = earlyWarningBytes };
            state.Cartridges.Add(cartridge);
            Save(state);
            return ToCartridge(state, cartridge);
        }
    }

    /// <summary>Moves a cartridge that sits in a slot to export/ (for the vault).</summary>
    public LibraryCartridge Export(string barcode)
    {
        lock (_gate)
        {
            var state = Load();
            var cartridge = Find(state, barcode);
            if (cartridge.Drive is not null)
                throw new ClusterBackupException(ErrorKind.ResourceBusy, barcode, $"Cartridge {barcode} is in drive {cartridge.Drive}; unload it before exporting.");
            File.Move(CartridgePath(cartridge.Barcode), Path.Combine(ExportDirectory, cartridge.Barcode + ".tap"), overwrite: true);
            cartridge.Slot = null;
            cartridge.Exported = true;
            Save(state);
            return ToCartridge(state, cartridge);
        }
    }

    public ITapeDrive Load(string drive, string barcode)
    {
        lock (_gate)
        {
            var state = Load();
            var driveState = FindDrive(state, drive);
            var cartridge = Find(state, barcode);
            if (cartridge.Exported)
                throw new ClusterBackupException(ErrorKind.ResourceUnavailable, barcode, $"Cartridge {barcode} is exported; import it first.");
            if (cartridge.Drive is not null && !string.Equals(cartridge.Drive, driveState.Name, StringComparison.OrdinalIgnoreCase))
            {
                // A cartridge left in a drive by a process that has ended (killed mid-job) is taken out again; one that a live process
                // loaded, this one included, is in use.
                var holder = FindDrive(state, cartridge.Drive);
                if (IsLive(holder))
                    throw new ClusterBackupException(ErrorKind.ResourceBusy, barcode,
                        $"Cartridge {barcode} is in drive {cartridge.Drive}{(holder.LoadedByProcess == Environment.ProcessId ? "" : $" (loaded by process {holder.LoadedByProcess})")}.");
                UnloadCore(state, holder);
            }
            if (driveState.Barcode is not null && driveState.LoadedByProcess != Environment.ProcessId && IsLive(driveState))
                throw new ClusterBackupException(ErrorKind.ResourceBusy, driveState.Name,
                    $"Drive {driveState.Name} holds cartridge {driveState.Barcode}, loaded by process {driveState.LoadedByProcess}, which is still running.");
            var virtualDrive = DriveObject(driveState.Name);
            if (driveState.Barcode is not null && !string.Equals(driveState.Barcode, cartridge.Barcode, StringComparison.OrdinalIgnoreCase))
                UnloadCore(state, driveState);
            if (driveState.Barcode is null || driveState.LoadedByProcess != Environment.ProcessId)
            {
                driveState.Barcode = cartridge.Barcode;
                cartridge.Drive = driveState.Name;
                (driveState.LoadedByProcess, driveState.LoadedByProcessStarted) = (Environment.ProcessId, CurrentProcessStarted.Value);
                Save(state);
            }
            // This instance's drive object may be stale: another instance of the library (in this process or another) may have moved
            // cartridges through the drive, or written to the cartridge, since it was loaded here. The state says which cartridge is in
            // the drive, and its file is opened afresh, so its end of data is the file's as it is now.
            if (virtualDrive.Cartridge is { } inserted && !string.Equals(inserted.Barcode, cartridge.Barcode, StringComparison.OrdinalIgnoreCase))
                virtualDrive.Eject();
            if (virtualDrive.Cartridge is null)
                virtualDrive.Insert(new VirtualCartridge(cartridge.Barcode, CartridgePath(cartridge.Barcode), cartridge.CapacityBytes, cartridge.EarlyWarningBytes));
            virtualDrive.Unload();
            virtualDrive.Load();
            virtualDrive.Rewind();
            return virtualDrive;
        }
    }

    public void Unload(string drive)
    {
        lock (_gate)
        {
            var state = Load();
            var driveState = FindDrive(state, drive);
            if (driveState.Barcode is null)
                return;
            UnloadCore(state, driveState);
            Save(state);
        }
    }

    /// <summary>Opens a cartridge for reading or writing outside the robot, e.g. to read an exported copy.</summary>
    public VirtualCartridge GetCartridgeFile(string barcode)
    {
        lock (_gate)
        {
            var c = Find(Load(), barcode);
            return new VirtualCartridge(c.Barcode, c.Exported ? Path.Combine(ExportDirectory, c.Barcode + ".tap") : CartridgePath(c.Barcode), c.CapacityBytes, c.EarlyWarningBytes);
        }
    }

    private static readonly Lazy<DateTime?> CurrentProcessStarted = new(() => StartTime(Environment.ProcessId));

    private static DateTime? StartTime(int processId)
    {
        try
        {
            using var process = System.Diagnostics.Process.GetProcessById(processId);
            return process.StartTime.ToUniversalTime();
        }
        catch (Exception ex) when (ex is ArgumentException or InvalidOperationException or System.ComponentModel.Win32Exception or NotSupportedException)
        {
            return null;
        }
    }

    /// <summary>Whether the process that loaded the drive's cartridge still runs (the same process id and start time).</summary>
    private static bool IsLive(DriveState drive)
    {
        if (drive.LoadedByProcess is not { } id)
            return false;
        if (id == Environment.ProcessId)
            return true;
        var started = StartTime(id);
        return started is not null && (drive.LoadedByProcessStarted is null || Math.Abs((started.Value - drive.LoadedByProcessStarted.Value).TotalSeconds) < 1);
    }

    private void UnloadCore(LibraryState state, DriveState driveState)
    {
        DriveObject(driveState.Name).Eject();
        var cartridge = state.Cartridges.FirstOrDefault(c => string.Equals(c.Barcode, driveState.Barcode, StringComparison.OrdinalIgnoreCase));
        if (cartridge is not null)
            cartridge.Drive = null;
        driveState.Barcode = null;
        driveState.LoadedByProcess = null;
        driveState.LoadedByProcessStarted = null;
    }

    private VirtualTapeDrive DriveObject(string name)
    {
        if (!_drives.TryGetValue(name, out var drive))
            _drives[name] = drive = new VirtualTapeDrive(name);
        return drive;
    }

    private string CartridgePath(string barcode) => Path.Combine(CartridgeDirectory, barcode + ".tap");

    private LibraryCartridge ToCartridge(LibraryState state, CartridgeState c)
    {
        var file = c.Exported ? Path.Combine(ExportDirectory, c.Barcode + ".tap") : CartridgePath(c.Barcode);
        var used = File.Exists(file) ? new FileInfo(file).Length : 0;
        var location = c.Exported ? CartridgeLocation.Exported : c.Drive is not null ? CartridgeLocation.Drive : CartridgeLocation.Slot;
        return new LibraryCartridge(c.Barcode, location, c.Slot, c.Drive, c.CapacityBytes, c.EarlyWarningBytes, used);
    }

    private int FreeSlot(LibraryState state, string barcode)
    {
        var used = state.Cartridges.Where(c => c.Slot is not null).Select(c => c.Slot!.Value).ToHashSet();
        for (var slot = 1; slot <= state.Slots; slot++)
            if (!used.Contains(slot))
                return slot;
        throw new ClusterBackupException(ErrorKind.ResourceUnavailable, barcode, $"Library {Name} has no free slot for cartridge {barcode} ({state.Slots} slots, all full).");
    }

    private CartridgeState Find(LibraryState state, string barcode) =>
        state.Cartridges.FirstOrDefault(c => string.Equals(c.Barcode, barcode, StringComparison.OrdinalIgnoreCase))
        ?? throw new ClusterBackupException(ErrorKind.ObjectNotFound, barcode, $"Cartridge {barcode} is not in library {Name}.") { Cause = "CartridgeNotFound" };

    private DriveState FindDrive(LibraryState state, string drive) =>
        state.Drives.FirstOrDefault(d => string.Equals(d.Name, drive, StringComparison.OrdinalIgnoreCase))
        ?? throw new ClusterBackupException(ErrorKind.ObjectNotFound, drive, $"Library {Name} has no drive '{drive}' (drives: {string.Join(", ", state.Drives.Select(d => d.Name))}).") { Cause = "DriveNotFound" };

    private static void ValidateBarcode(string barcode)
    {
        if (string.IsNullOrWhiteSpace(barcode) || barcode.Length > 32 || barcode.Any(ch => !char.IsAsciiLetterOrDigit(ch) && ch != '-' && ch != '_'))
            throw new ClusterBackupException(ErrorKind.InvalidArgument, barcode ?? "", $"Barcode '{barcode}' is not valid: use 1-32 letters, digits, '-' or '_'.");
    }

    private LibraryState Load()
    {
        try
        {
            var root = VersionedJson.Parse(File.ReadAllText(StatePath), StatePath, "library state", "FormatVersion", LibraryState.CurrentFormatVersion);
            var state = root.ToObject<LibraryState>() ?? throw new JsonException("empty file");
            state.Drives ??= [];
            state.Cartridges ??= [];
            if (state.Drives.FindIndex(d => d?.Name is null) is var drive and >= 0)
                throw new JsonException($"Drives[{drive}] has no name");
            if (state.Cartridges.FindIndex(c => c?.Barcode is null) is var cartridge and >= 0)
                throw new JsonException($"Cartridges[{cartridge}] has no barcode");
            return state;
        }
        catch (JsonException ex)
        {
            throw new ClusterBackupException(ErrorKind.InvalidData, StatePath, $"Library state '{StatePath}' is not valid: {ex.Message}", ex);
        }
    }

    private void Save(LibraryState state)
    {
        AtomicFile.WriteAllText(StatePath, JsonConvert.SerializeObject(state, Formatting.Indented), "the library state");
    }

    private sealed class LibraryState
    {
        public const int CurrentFormatVersion = 1;
        public int FormatVersion { get; set; } = CurrentFormatVersion;
        public int Slots { get; set; }
        public List<DriveState> Drives { get; set; } = [];
        public List<CartridgeState> Cartridges { get; set; } = [];
    }

    private sealed class DriveState
    {
        public string Name { get; set; } = "";
        public string? Barcode { get; set; }
        /// <summary>The process that loaded the cartridge, and when it started (a process id can be reused).</summary>
        public int? LoadedByProcess { get; set; }
        public DateTime? LoadedByProcessStarted { get; set; }
    }

    private sealed class CartridgeState
    {
        public string Barcode { get; set; } = "";
        public int? Slot { get; set; }
        public string? Drive { get; set; }
        public bool Exported { get; set; }
        public long CapacityBytes { get; set; }
        public long EarlyWarningBytes { get; set; }
    }
}
