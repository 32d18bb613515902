using System.CommandLine;
using ClusterBackup.Engine.Catalog;
using ClusterBackup.Engine.Common;
using ClusterBackup.Engine.Tape;

namespace ClusterBackup.Cli.Commands;

/// <summary>`clusterbackup tape ...`: the share to tape, restore, copy groups, verification, retention, the library and its cartridges.</summary>
public sealed class TapeCommands : ICliCommandGroup
{
    private static readonly Option<string?> LibraryOption = new("--library")
    {
        Description = $"Tape library folder. Default: the agent configuration's library or ${TapeContext.LibraryEnvironmentVariable}.",
        Recursive = true,
    };

    public IEnumerable<Command> Build(CliContext context)
    {
        var tape = new Command("tape", "Write the backup share to tape, restore and copy tape objects, manage the tape library.");
        tape.Options.Add(LibraryOption);
        tape.Subcommands.Add(Backup(context));
        tape.Subcommands.Add(List(context));
        tape.Subcommands.Add(Restore(context));
        tape.Subcommands.Add(Copy(context));
        tape.Subcommands.Add(Verify(context));
        tape.Subcommands.Add(Retention(context));
        tape.Subcommands.Add(Config(context));
        tape.Subcommands.Add(LibraryCommands(context));
        tape.Subcommands.Add(Drives(context));
        tape.Subcommands.Add(Cartridges(context));
        tape.Subcommands.Add(Cartridge(context));
        yield return tape;
    }

    private static Command Backup(CliContext context)
    {
        var config = new Option<string>("--config") { Description = "Media-agent configuration file.", Required = true };
        var sets = new Option<Guid[]>("--backup-set") { Description = "Only these backup sets (repeatable). Default: every backup set not yet on tape.", AllowMultipleArgumentsPerToken = true };
        var verify = new Option<bool>("--verify") { Description = "Read every copy back and mark it verified." };
        var job = new Option<string>("--job") { Description = "Job name recorded on tape.", DefaultValueFactory = _ => "share-to-tape" };
        var command = new Command("backup", "Write every backup set on the share that is not yet on tape, multiplexed and mirrored in one pass.") { config, sets, verify, job };
        command.SetAction((parse, token) => context.ExecuteAsync(async () =>
        {
            var ids = parse.GetValue(sets);
            var result = await context.OpenEngine(parse, CatalogUse.Existing).BackupToTape().RunAsync(new BackupToTapeRequest
            {
                LibraryPath = parse.GetValue(LibraryOption), ConfigurationPath = parse.GetValue(config)!,
                BackupSetIds = ids is { Length: > 0 } ? ids : null, Verify = parse.GetValue(verify), Job = parse.GetValue(job)!,
            }, context.Reporter(parse), token).ConfigureAwait(false);
            context.Output(parse).WriteOne(result, CliTables.BackupToTapeResult);
            return CliContext.ExitOk;
        }));
        return command;
    }

    private static Command List(CliContext context)
    {
        var barcode = new Option<string?>("--barcode") { Description = "Only objects on this cartridge (with --from-media: the cartridge to read)." };
        var set = new Option<Guid?>("--backup-set") { Description = "Only objects of this backup set." };
        var expired = new Option<bool>("--expired") { Description = "Include expired objects." };
        var fromMedia = new Option<bool>("--from-media") { Description = "Read the cartridge itself instead of the catalog (checks every block and object)." };
        var drive = new Option<string?>("--drive") { Description = "Drive to read with (--from-media)." };
        var command = new Command("list", "List tape objects from the catalog, or read a cartridge with --from-media.") { barcode, set, expired, fromMedia, drive };
        command.SetAction((parse, token) => context.ExecuteAsync(async () =>
        {
            if (parse.GetValue(fromMedia))
            {
                var code = parse.GetValue(barcode) ?? throw new ClusterBackupException(ErrorKind.InvalidArgument, "--barcode", "--from-media needs --barcode.");
                var found = await context.OpenEngine(parse, CatalogUse.Existing).ReadTapeCartridge()
                    .RunAsync(new ReadTapeCartridgeRequest(parse.GetValue(LibraryOption), code, parse.GetValue(drive)), context.Reporter(parse), token).ConfigureAwait(false);
                context.Output(parse).Write(found, CliTables.TapeMediaObject);
                return CliContext.ExitOk;
            }
            var objects = await context.OpenEngine(parse, CatalogUse.Existing).GetTapeObject()
                .RunAsync(new GetTapeObjectRequest(parse.GetValue(set), parse.GetValue(barcode), parse.GetValue(expired)), context.Reporter(parse), token).ConfigureAwait(false);
            context.Output(parse).Write(objects, CliTables.TapeObject);
            return CliContext.ExitOk;
        }));
        return command;
    }

    private static Command Restore(CliContext context)
    {
        var objects = new Option<Guid[]>("--object") { Description = "Object ids to restore (repeatable).", Required = true, AllowMultipleArgumentsPerToken = true };
        var destination = new Option<string>("--destination") { Description = "Folder to restore into.", Required = true };
        var force = new Option<bool>("--force") { Description = "Overwrite existing files." };
        var drive = new Option<string?>("--drive") { Description = "Drive to read with." };
        var restoreConfig = new Option<string?>("--config") { Description = "Media-agent configuration whose changer and drives to read with; default the virtual library." };
        var command = new Command("restore", "Restore tape objects byte-identical (SHA-256 checked against the catalog); a copy that does not verify is rejected and the next copy (a mirror) is tried.") { objects, destination, force, drive, restoreConfig };
        command.SetAction((parse, token) => context.ExecuteAsync(async () =>
        {
            var result = await context.OpenEngine(parse, CatalogUse.Existing).RestoreTapeObject().RunAsync(new RestoreTapeObjectRequest
            {
                LibraryPath = parse.GetValue(LibraryOption), ObjectIds = parse.GetValue(objects)!,
                Destination = parse.GetValue(destination)!, Force = parse.GetValue(force), Drive = parse.GetValue(drive), ConfigurationPath = parse.GetValue(restoreConfig),
            }, context.Reporter(parse), token).ConfigureAwait(false);
            context.Output(parse).Write(result, CliTables.RestoreTapeObjectResult);
            return CliContext.ExitOk;
        }));
        return command;
    }

    private static Command Copy(CliContext context)
    {
        var mode = new Option<TapeCopyMode>("--mode") { Description = "Compaction, Refresh, Demultiplex or Migration.", Required = true };
        var objects = new Option<Guid[]>("--object") { Description = "Object ids to copy (repeatable).", AllowMultipleArgumentsPerToken = true };
        var barcodes = new Option<string[]>("--barcode") { Description = "Copy the objects on these cartridges (repeatable).", AllowMultipleArgumentsPerToken = true };
        var pool = new Option<string>("--pool") { Description = "Pool of the new copies.", Required = true };
        var blockSize = new Option<int?>("--block-size") { Description = "Block size of the new copies in bytes." };
        var drive = new Option<string>("--drive") { Description = "Drive the copy agent writes with.", Required = true };
        var readDrive = new Option<string?>("--read-drive") { Description = "Drive the restore agent reads with." };
        var mirrorDrives = new Option<string[]>("--mirror-drive") { Description = "Drive of a cascaded mirror of the new copy, written in the same pass (repeatable: level 1, 2, ...).", AllowMultipleArgumentsPerToken = true };
        var command = new Command("copy", "Copy tape objects to new tapes through a copy group.") { mode, objects, barcodes, pool, blockSize, drive, readDrive, mirrorDrives };
        command.SetAction((parse, token) => context.ExecuteAsync(async () =>
        {
            var ids = parse.GetValue(objects);
            var codes = parse.GetValue(barcodes);
            var result = await context.OpenEngine(parse, CatalogUse.Existing).CopyTapeObject().RunAsync(new CopyTapeObjectRequest
            {
                LibraryPath = parse.GetValue(LibraryOption), Mode = parse.GetValue(mode),
                ObjectIds = ids is { Length: > 0 } ? ids : null, Barcodes = codes is { Length: > 0 } ? codes : null, Pool = parse.GetValue(pool)!,
                BlockSize = parse.GetValue(blockSize), Drive = parse.GetValue(drive)!, ReadDrive = parse.GetValue(readDrive), MirrorDrives = parse.GetValue(mirrorDrives) ?? [],
            }, context.Reporter(parse), token).ConfigureAwait(false);
            context.Output(parse).Write(result, CliTables.CopyTapeObjectResult);
            return CliContext.ExitOk;
        }));
        return command;
    }

    private static Command Verify(CliContext context)
    {
        var objects = new Option<Guid[]>("--object") { Description = "Object ids to verify (repeatable). Default: all.", AllowMultipleArgumentsPerToken = true };
        var all = new Option<bool>("--all") { Description = "Read copies already verified too." };
        var drive = new Option<string?>("--drive") { Description = "Drive to read with." };
        var verifyConfig = new Option<string?>("--config") { Description = "Media-agent configuration whose changer and drives to read with; default the virtual library." };
        var command = new Command("verify", "Read tape copies back, check them, and mark the good ones verified.") { objects, all, drive, verifyConfig };
        command.SetAction((parse, token) => context.ExecuteAsync(async () =>
        {
            var ids = parse.GetValue(objects);
            var result = await context.OpenEngine(parse, CatalogUse.Existing).TestTapeObject().RunAsync(new TestTapeObjectRequest
            {
                LibraryPath = parse.GetValue(LibraryOption), ObjectIds = ids is { Length: > 0 } ? ids : null, All = parse.GetValue(all), Drive = parse.GetValue(drive), ConfigurationPath = parse.GetValue(verifyConfig),
            }, context.Reporter(parse), token).ConfigureAwait(false);
            context.Output(parse).Write(result, CliTables.TapeCopyVerification);
            return result.All(v => v.Verified) ? CliContext.ExitOk : CliContext.ExitFailed;
        }));
        return command;
    }

    private static Command Retention(CliContext context)
    {
        var copies = new Option<int>("--copies") { Description = "Verified tape copies each file needs.", DefaultValueFactory = _ => 2 };
        var active = new Option<bool>("--include-active") { Description = "Also show active media sets." };
        var command = new Command("retention", "Which superseded media sets on the share are safe to retire (every file has enough verified tape copies).") { copies, active };
        command.SetAction((parse, token) => context.ExecuteAsync(async () =>
        {
            var result = await context.OpenEngine(parse, CatalogUse.Existing).GetTapeRetention()
                .RunAsync(new GetTapeRetentionRequest(parse.GetValue(copies), parse.GetValue(active)), context.Reporter(parse), token).ConfigureAwait(false);
            context.Output(parse).Write(result, CliTables.MediaSetRetention);
            return CliContext.ExitOk;
        }));
        return command;
    }

    private static Command Config(CliContext context)
    {
        var config = new Command("config", "Create and test media-agent configurations.");
        var path = new Argument<string>("path") { Description = "Configuration file." };
        var drives = new Option<string[]>("--drive") { Description = "Backup-group drives, one agent each.", Required = true, AllowMultipleArgumentsPerToken = true };
        var mirror = new Option<string[]>("--mirror-drive") { Description = "Mirror level 1 drives.", AllowMultipleArgumentsPerToken = true };
        var mirror2 = new Option<string[]>("--second-mirror-drive") { Description = "Mirror level 2 drives (cascaded).", AllowMultipleArgumentsPerToken = true };
        var pool = new Option<string>("--pool") { Description = "Backup-group pool.", DefaultValueFactory = _ => "Default" };
        var mirrorPools = new Option<string[]>("--mirror-pool") { Description = "Pools of mirror levels 1, 2, ...", AllowMultipleArgumentsPerToken = true };
        var blockSize = new Option<int>("--block-size") { Description = "Block size in bytes.", DefaultValueFactory = _ => 256 * 1024 };
        var force = new Option<bool>("--force") { Description = "Replace an existing file." };
        var create = new Command("new", "Write a configuration: backup agents and daisy-chained mirror agents.") { path, drives, mirror, mirror2, pool, mirrorPools, blockSize, force };
        create.SetAction((parse, token) => context.ExecuteAsync(async () =>
        {
            var levels = new List<IReadOnlyList<string>>();
            if (parse.GetValue(mirror) is { Length: > 0 } m1) levels.Add(m1);
            if (parse.GetValue(mirror2) is { Length: > 0 } m2) levels.Add(m2);
            var request = new NewTapeAgentConfigurationRequest(parse.GetValue(path)!, parse.GetValue(LibraryOption), parse.GetValue(drives)!, levels, parse.GetValue(pool)!,
                parse.GetValue(mirrorPools) ?? [], parse.GetValue(blockSize), parse.GetValue(force));
            WriteTest(context, parse, await context.OpenEngine(parse, CatalogUse.None).NewTapeAgentConfiguration().RunAsync(request, context.Reporter(parse), token).ConfigureAwait(false));
            return CliContext.ExitOk;
        }));
        var testPath = new Argument<string>("path") { Description = "Configuration file." };
        var test = new Command("test", "Check a configuration against the library's drives.") { testPath };
        test.SetAction((parse, token) => context.ExecuteAsync(async () =>
        {
            var result = await context.OpenEngine(parse, CatalogUse.None).TestTapeAgentConfiguration()
                .RunAsync(new TestTapeAgentConfigurationRequest(parse.GetValue(testPath)!, parse.GetValue(LibraryOption)), context.Reporter(parse), token).ConfigureAwait(false);
            WriteTest(context, parse, result);
            return result.Valid ? CliContext.ExitOk : CliContext.ExitUsage;
        }));
        config.Subcommands.Add(create);
        config.Subcommands.Add(test);
        return config;
    }

    private static void WriteTest(CliContext context, ParseResult parse, TapeAgentConfigurationTest result)
    {
        context.Output(parse).WriteOne(result, CliTables.TapeAgentConfigurationTest);
        if (!context.Output(parse).IsJson)
            foreach (var issue in result.Issues)
                context.Error.WriteLine($"clusterbackup: {issue.Element}: {issue.Message}");
    }

    private static Command LibraryCommands(CliContext context)
    {
        var library = new Command("library", "Create a virtual tape library.");
        var path = new Argument<string>("path") { Description = "Library folder." };
        var drives = new Option<int>("--drives") { Description = "Number of drives.", DefaultValueFactory = _ => 2 };
        var slots = new Option<int>("--slots") { Description = "Number of slots.", DefaultValueFactory = _ => 20 };
        var create = new Command("create", "Create a library with drives and empty slots.") { path, drives, slots };
        create.SetAction((parse, token) => context.ExecuteAsync(async () =>
        {
            var root = Path.GetFullPath(parse.GetValue(path)!);
            var created = await context.OpenEngine(parse, CatalogUse.None).NewTapeLibrary()
                .RunAsync(new NewTapeLibraryRequest(root, parse.GetValue(drives), parse.GetValue(slots)), context.Reporter(parse), token).ConfigureAwait(false);
            context.Output(parse).Write(created, CliTables.TapeDriveInfo);
            return CliContext.ExitOk;
        }));
        library.Subcommands.Add(create);
        return library;
    }

    private static Command Drives(CliContext context)
    {
        var command = new Command("drives", "List the library's drives and what they hold.");
        command.SetAction((parse, token) => context.ExecuteAsync(async () =>
        {
            var drives = await context.OpenEngine(parse, CatalogUse.None).GetTapeDrive().RunAsync(new GetTapeDriveRequest(parse.GetValue(LibraryOption)), context.Reporter(parse), token).ConfigureAwait(false);
            context.Output(parse).Write(drives, CliTables.TapeDriveInfo);
            return CliContext.ExitOk;
        }));
        return command;
    }

    private static void WriteCartridges(CliContext context, ParseResult parse, IEnumerable<TapeCartridgeInfo> cartridges) =>
        context.Output(parse).Write(cartridges, CliTables.TapeCartridgeInfo);

    private static Command Cartridges(CliContext context)
    {
        var pool = new Option<string?>("--pool") { Description = "Only cartridges labelled for this pool." };
        var command = new Command("cartridges", "List the library's cartridges with their labels.") { pool };
        command.SetAction((parse, token) => context.ExecuteAsync(async () =>
        {
            WriteCartridges(context, parse, await context.OpenEngine(parse, CatalogUse.Existing).GetTapeCartridge()
                .RunAsync(new GetTapeCartridgeRequest(parse.GetValue(LibraryOption), parse.GetValue(pool)), context.Reporter(parse), token).ConfigureAwait(false));
            return CliContext.ExitOk;
        }));
        return command;
    }

    private static Command Cartridge(CliContext context)
    {
        var cartridge = new Command("cartridge", "Add, import, export, load, unload and label cartridges.");
        // Adding or importing cartridges may start a new catalog; the other steps need the catalog that knows the cartridge.
        Command PerBarcode(string name, string description, Func<CartridgeStep, Task<TapeCartridgeInfo>> action, params Option[] options) =>
            PerBarcodeIn(name, description, action, false, options);
        Command PerBarcodeCreating(string name, string description, Func<CartridgeStep, Task<TapeCartridgeInfo>> action, params Option[] options) =>
            PerBarcodeIn(name, description, action, true, options);
        Command PerBarcodeIn(string name, string description, Func<CartridgeStep, Task<TapeCartridgeInfo>> action, bool createsCatalog, params Option[] options)
        {
            var barcodes = new Argument<string[]>("barcode") { Description = "Cartridge barcodes.", Arity = ArgumentArity.OneOrMore };
            var command = new Command(name, description) { barcodes };
            foreach (var option in options)
                command.Options.Add(option);
            command.SetAction((parse, token) => context.ExecuteAsync(async () =>
            {
                var engine = context.OpenEngine(parse, createsCatalog ? CatalogUse.CreateIfMissing : CatalogUse.Existing);
                var reporter = context.Reporter(parse);
                // Each barcode on its own, as the cartridge cmdlets: a failure is named and the next barcode goes on.
                var done = new List<TapeCartridgeInfo>();
                var exit = CliContext.ExitOk;
                foreach (var barcode in parse.GetValue(barcodes)!)
                {
                    try
                    {
                        done.Add(await action(new CartridgeStep(engine, parse.GetValue(LibraryOption), barcode, parse, reporter, token)).ConfigureAwait(false));
                    }
                    catch (ClusterBackupException ex)
                    {
                        exit = Math.Max(exit, context.Fail(ex));
                    }
                }
                WriteCartridges(context, parse, done);
                return exit;
            }));
            return command;
        }
        var capacity = new Option<long>("--capacity") { Description = "Capacity in bytes.", DefaultValueFactory = _ => 1L << 30 };
        var earlyWarning = new Option<long>("--early-warning") { Description = "Early-warning zone in bytes.", DefaultValueFactory = _ => 4L << 20 };
        cartridge.Subcommands.Add(PerBarcodeCreating("add", "Add blank cartridges to free slots.", s => s.Engine.AddTapeCartridge()
            .RunAsync(new AddTapeCartridgeRequest(s.Library, s.Barcode, s.Parse.GetValue(capacity), s.Parse.GetValue(earlyWarning)), s.Reporter, s.Token), capacity, earlyWarning));
        cartridge.Subcommands.Add(PerBarcodeCreating("import", "Import cartridges from the import folder.", s => s.Engine.ImportTapeCartridge()
            .RunAsync(new ImportTapeCartridgeRequest(s.Library, s.Barcode, s.Parse.GetValue(capacity), s.Parse.GetValue(earlyWarning)), s.Reporter, s.Token)));
        cartridge.Subcommands.Add(PerBarcode("export", "Export cartridges to the export folder.", s => s.Engine.ExportTapeCartridge()
            .RunAsync(new ExportTapeCartridgeRequest(s.Library, s.Barcode), s.Reporter, s.Token)));
        var loadDrive = new Option<string>("--drive") { Description = "Drive to load into.", Required = true };
        cartridge.Subcommands.Add(PerBarcode("load", "Load a cartridge into a drive.", s => s.Engine.MountTapeCartridge()
            .RunAsync(new MountTapeCartridgeRequest(s.Library, s.Barcode, s.Parse.GetValue(loadDrive)!), s.Reporter, s.Token), loadDrive));
        var pool = new Option<string>("--pool") { Description = "Pool to label for.", Required = true };
        var blockSize = new Option<int>("--block-size") { Description = "Block size in bytes.", DefaultValueFactory = _ => 256 * 1024 };
        var labelDrive = new Option<string?>("--drive") { Description = "Drive to label with." };
        var yes = new Option<bool>("--yes") { Description = "Confirm: labelling erases everything on the cartridge." };
        cartridge.Subcommands.Add(PerBarcode("label", "Label (initialise) cartridges for a pool; erases them. Needs --yes.", s =>
        {
            if (!s.Parse.GetValue(yes))
                throw new ClusterBackupException(ErrorKind.InvalidArgument, s.Barcode, $"Labelling {s.Barcode} erases everything on it; add --yes to confirm.");
            return s.Engine.InitializeTapeCartridge().RunAsync(
                new InitializeTapeCartridgeRequest(s.Library, s.Barcode, s.Parse.GetValue(pool)!, s.Parse.GetValue(blockSize), s.Parse.GetValue(labelDrive)), s.Reporter, s.Token);
        }, pool, blockSize, labelDrive, yes));
        var unloadDrive = new Argument<string>("drive") { Description = "Drive to unload." };
        var unload = new Command("unload", "Unload a drive back to its cartridge's slot.") { unloadDrive };
        unload.SetAction((parse, token) => context.ExecuteAsync(async () =>
        {
            var unloaded = await context.OpenEngine(parse, CatalogUse.Existing).DismountTapeCartridge()
                .RunAsync(new DismountTapeCartridgeRequest(parse.GetValue(LibraryOption), parse.GetValue(unloadDrive)!), context.Reporter(parse), token).ConfigureAwait(false);
            WriteCartridges(context, parse, [unloaded]);
            return CliContext.ExitOk;
        }));
        cartridge.Subcommands.Add(unload);
        return cartridge;
    }

    /// <summary>What a per-cartridge command hands its operation: the engine session, the library, one barcode, the parsed options.</summary>
    private sealed record CartridgeStep(EngineSession Engine, string? Library, string Barcode, ParseResult Parse, IOperationReporter Reporter, CancellationToken Token);
}
