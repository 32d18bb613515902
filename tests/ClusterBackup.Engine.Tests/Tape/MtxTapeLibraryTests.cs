using System.Text.RegularExpressions;
using ClusterBackup.Engine.Common;
using ClusterBackup.Engine.Tape;
using ClusterBackup.Engine.Tape.Configuration;
using ClusterBackup.Engine.Tape.Drives;
using ClusterBackup.Engine.Tape.Library;

namespace ClusterBackup.Engine.Tests.Tape;

/// <summary>
/// The mtx changer library and drives chosen by configuration. The samples below are written in the format mtx documents and prints
/// (the mtx(1) manual page; the status listing of mtx.c in the mtx 1.3 package Debian ships): a two-line header, one
/// "Data Transfer Element" line per drive, one "Storage Element" line per slot, volume tags padded with blanks.
/// They are not captures of a particular machine: no real changer is attached here.
/// </summary>
public class MtxTapeLibraryTests
{
    /// <summary>An LTO autoloader with a barcode reader: 2 drives, 24 slots of which one is the mail slot.</summary>
    internal const string TwoDrivesWithBarcodes = """
          Storage Changer /dev/sg3:2 Drives, 24 Slots ( 1 Import/Export )
        Data Transfer Element 0:Full (Storage Element 3 Loaded):VolumeTag = A00003L6                        
        Data Transfer Element 1:Empty
              Storage Element 1:Full :VolumeTag=A00001L6                        
              Storage Element 2:Full :VolumeTag=A00002L6                        
              Storage Element 3:Empty
              Storage Element 4:Full :VolumeTag=A00004L6                        
              Storage Element 5:Empty
              Storage Element 6:Empty
              Storage Element 7:Empty
              Storage Element 8:Empty
              Storage Element 9:Empty
              Storage Element 10:Empty
              Storage Element 11:Empty
              Storage Element 12:Empty
              Storage Element 13:Empty
              Storage Element 14:Empty
              Storage Element 15:Empty
              Storage Element 16:Empty
              Storage Element 17:Empty
              Storage Element 18:Empty
              Storage Element 19:Empty
              Storage Element 20:Empty
              Storage Element 21:Empty
              Storage Element 22:Empty
              Storage Element 23:Full :VolumeTag=CLN001L1                        
              Storage Element 24 IMPORT/EXPORT:Full :VolumeTag=A00024L6                        
        """;

    /// <summary>A small loader without a barcode reader, a cartridge loaded from an unknown slot, and alternate tags.</summary>
    internal const string NoBarcodeReader = """
          Storage Changer /dev/sg1:1 Drives, 4 Slots ( 0 Import/Export )
        Data Transfer Element 0:Full (Unknown Storage Element Loaded)
              Storage Element 1:Full 
              Storage Element 2:Full :VolumeTag=TAPE02  
              AlternateVolumeTag=ALT-TAPE02
              Storage Element 3:Empty
              Storage Element 4:Empty
        """;

    [Fact]
    public void MtxStatusIsParsedIntoDrivesSlotsAndBarcodes()
    {
        var status = MtxStatus.Parse(TwoDrivesWithBarcodes, "/dev/sg3");
        Assert.Equal([new MtxDrive(0, true, 3, "A00003L6"), new MtxDrive(1, false, null, null)], status.Drives);
        Assert.Equal(24, status.Slots.Count);
        Assert.Equal(new MtxSlot(1, true, "A00001L6", false), status.Slots[0]);
        Assert.Equal(new MtxSlot(3, false, null, false), status.Slots[2]);
        Assert.Equal(new MtxSlot(24, true, "A00024L6", true), status.Slots[23]);

        var small = MtxStatus.Parse(NoBarcodeReader, "/dev/sg1");
        Assert.Equal(new MtxDrive(0, true, null, null), Assert.Single(small.Drives));
        Assert.Equal([new MtxSlot(1, true, null, false), new MtxSlot(2, true, "TAPE02", false), new MtxSlot(3, false, null, false), new MtxSlot(4, false, null, false)], small.Slots);
    }

    [Theory]
    [InlineData("mtx: cannot open SCSI device '/dev/sg9' - No such file or directory", "line 1")]
    [InlineData("  Storage Changer /dev/sg3:2 Drives, 3 Slots ( 0 Import/Export )\nData Transfer Element 0:Empty\n      Storage Element 1:Empty\n", "declares 2 drives and 3 slots but lists 1 and 1")]
    [InlineData("Data Transfer Element 0:Empty\n", "no 'Storage Changer' header")]
    public void OutputThatIsNotAChangerStatusIsAClearError(string output, string expected)
    {
        var error = Assert.Throws<ClusterBackupException>(() => MtxStatus.Parse(output, "/dev/sg9"));
        Assert.Equal(ErrorKind.InvalidData, error.Kind);
        Assert.Contains("/dev/sg9", error.Message);
        Assert.Contains(expected, error.Message);
    }

    /// <summary>A changer in memory: answers `mtx status` in mtx's format, moves cartridges on load and unload, and records each call.</summary>
    internal sealed class FakeChanger : IMtxRunner
    {
        public readonly string?[] Slots;
        public readonly (string? Barcode, int? From)[] Drives;
        public List<string> Calls { get; } = [];
        public Action<int, string?>? OnMove { get; set; }

        public FakeChanger(int drives, params string?[] slots)
        {
            Slots = slots;
            Drives = new (string?, int?)[drives];
        }

        public string Run(string changer, IReadOnlyList<string> arguments, CancellationToken cancellationToken = default)
        {
            Calls.Add(string.Join(" ", arguments));
            switch (arguments[0])
            {
                case "status":
                    var lines = new List<string> { $"  Storage Changer {changer}:{Drives.Length} Drives, {Slots.Length} Slots ( 0 Import/Export )" };
                    lines.AddRange(Drives.Select((d, i) => d.Barcode is null ? $"Data Transfer Element {i}:Empty" : $"Data Transfer Element {i}:Full (Storage Element {d.From} Loaded):VolumeTag = {d.Barcode,-32}"));
                    lines.AddRange(Slots.Select((s, i) => s is null ? $"      Storage Element {i + 1}:Empty" : $"      Storage Element {i + 1}:Full :VolumeTag={s,-32}"));
                    return string.Join("\n", lines) + "\n";
                case "load":
                {
                    int slot = int.Parse(arguments[1]), drive = int.Parse(arguments[2]);
                    Assert.NotNull(Slots[slot - 1]);
                    Assert.Null(Drives[drive].Barcode);
                    Drives[drive] = (Slots[slot - 1], slot);
                    Slots[slot - 1] = null;
                    OnMove?.Invoke(drive, Drives[drive].Barcode);
                    return "";
                }
                case "unload":
                {
                    int slot = int.Parse(arguments[1]), drive = int.Parse(arguments[2]);
                    Assert.Null(Slots[slot - 1]);
                    Slots[slot - 1] = Drives[drive].Barcode;
                    Drives[drive] = (null, null);
                    OnMove?.Invoke(drive, null);
                    return "";
                }
                default:
                    throw new InvalidOperationException(arguments[0]);
            }
        }
    }

    /// <summary>The Linux tape calls of one drive, on whichever in-memory cartridge the changer put in it.</summary>
    internal sealed class SwitchingLinuxTapeSystem : ILinuxTapeSystem
    {
        public FakeLinuxTapeSystem? Current { get; set; }
        private FakeLinuxTapeSystem Tape => Current ?? throw new InvalidOperationException("no cartridge in the drive");
        public int Open(string path, out int errno) => Tape.Open(path, out errno);
        public void Close(int fd) => Current?.Close(fd);
        public long Write(int fd, ReadOnlySpan<byte> data, out int errno) => Tape.Write(fd, data, out errno);
        public long Read(int fd, Span<byte> buffer, out int errno) => Tape.Read(fd, buffer, out errno);
        public int MtOp(int fd, short op, int count, out int errno) => Tape.MtOp(fd, op, count, out errno);
        public int MtGet(int fd, out LinuxTapeStatus status, out int errno) => Tape.MtGet(fd, out status, out errno);
        public int MtPos(int fd, out long block, out int errno) => Tape.MtPos(fd, out block, out errno);
    }

    private static MediaAgentConfiguration ChangerConfiguration(string drives = """
        [ { "name": "lto0", "kind": "linux-st", "device": "/dev/nst0", "element": 0 },
          { "name": "lto1", "kind": "linux-st", "device": "/dev/nst1", "element": 1 } ]
        """) => MediaAgentConfiguration.Parse($$"""
        { "formatVersion": 1, "changer": { "kind": "mtx", "device": "/dev/sg3" }, "drives": {{drives}},
          "agents": [ { "name": "A1", "drive": "lto0", "pool": "Daily", "blockSize": 65536, "buffers": [ { "name": "all", "objects": "*" } ] } ] }
        """);

    [Fact]
    public void LoadAndUnloadGoThroughMtxAndTheConfiguredDrive()
    {
        var changer = new FakeChanger(2, "A00001L6", "A00002L6", null);
        var library = TapeLibraryFactory.Open(ChangerConfiguration(), changer, new SwitchingLinuxTapeSystem { Current = new FakeLinuxTapeSystem(new InMemoryTape(10, 20)) });

        Assert.Equal([new LibraryDrive("lto0", null), new LibraryDrive("lto1", null)], library.GetDrives());
        Assert.Equal(["A00001L6", "A00002L6"], library.GetCartridges().Select(c => c.Barcode));
        Assert.All(library.GetCartridges(), c => Assert.Equal(-1, c.BytesUsed));
        changer.Calls.Clear();

        var drive = library.Load("lto1", "A00002L6");
        Assert.IsType<LinuxStTapeDrive>(drive);
        Assert.Equal("/dev/nst1", drive.Name);
        Assert.Equal(["status", "load 2 1"], changer.Calls);
        Assert.Equal("A00002L6", library.GetDrive("lto1").Barcode);

        // Loading another cartridge into the same drive first puts the one there back where it came from.
        changer.Calls.Clear();
        library.Load("lto1", "A00001L6");
        Assert.Equal(["status", "unload 2 1", "load 1 1"], changer.Calls);
        changer.Calls.Clear();
        library.Unload("lto1");
        Assert.Equal(["status", "unload 1 1"], changer.Calls);
        Assert.Equal(new[] { "A00001L6", "A00002L6", null }, changer.Slots);

        var missing = Assert.Throws<ClusterBackupException>(() => library.Load("lto0", "NOPE01"));
        Assert.Contains("Cartridge NOPE01 is in no slot of changer /dev/sg3", missing.Message);
    }

    [Fact]
    public void TheConfigurationBuildsEachDriveOfItsKind()
    {
        Assert.IsType<LinuxStTapeDrive>(TapeLibraryFactory.CreateDrive(new DriveDefinition { Name = "a", Kind = DriveKinds.LinuxSt, Device = "/dev/nst0" }));
        Assert.IsType<WindowsTapeDrive>(TapeLibraryFactory.CreateDrive(new DriveDefinition { Name = "b", Kind = DriveKinds.Windows, Device = @"\\.\Tape0" }));
        using var kit = new TapeTestKit(drives: 1, cartridges: 0);
        var virtualOnly = MediaAgentConfiguration.Parse("""{ "formatVersion": 1, "agents": [ { "name": "A1", "drive": "drive0", "buffers": [ { "name": "all", "objects": "*" } ] } ] }""");
        Assert.IsType<VirtualTapeLibrary>(TapeContext.Open(kit.Catalog.Database, ConfiguredTapeLibraryFactory.Default, kit.Library.Root, virtualOnly).Library);
    }

    [Fact]
    public void DrivesAndChangerAreValidatedNamingEachField()
    {
        var issues = ChangerConfiguration("""
            [ { "name": "lto0", "kind": "linux-st", "device": "/dev/st0", "element": 0 },
              { "name": "lto1", "kind": "windows", "device": "COM1", "element": 0 },
              { "name": "lto2", "kind": "floppy" },
              { "name": "lto3", "kind": "virtual" } ]
            """).Validate([]);
        var elements = issues.Select(i => i.Element).ToList();
        Assert.Contains("drives[lto0].device", elements);
        Assert.Contains("drives[lto1].device", elements);
        Assert.Contains("drives[lto2].kind", elements);
        Assert.Contains("drives[lto2].element", elements);
        Assert.Contains("drives[lto3].kind", elements);
        Assert.Contains(issues, i => i.Message.Contains("both data transfer element 0"));
        Assert.Contains(issues, i => i.Message.Contains("no-rewind st device, /dev/nstN"));

        var standalone = MediaAgentConfiguration.Parse("""
            { "formatVersion": 1, "drives": [ { "name": "lto0", "kind": "linux-st", "device": "/dev/nst0" } ],
              "agents": [ { "name": "A1", "drive": "lto0", "buffers": [ { "name": "all", "objects": "*" } ] } ] }
            """).Validate(["lto0"]);
        Assert.Contains(standalone, i => i.Element == "changer" && i.Message.Contains("standalone drive"));
        Assert.Empty(ChangerConfiguration().Validate([]));
    }

    [Fact]
    public async Task ABackupToTapeRunsOnTheChangerAndDrivesItsConfigurationNames()
    {
        using var kit = new TapeTestKit(drives: 1, cartridges: 0);
        var changer = new FakeChanger(2, "A00001L6", "A00002L6", null);
        var tapes = new Dictionary<string, FakeLinuxTapeSystem> { ["A00001L6"] = new(new InMemoryTape(100_000, 200_000)), ["A00002L6"] = new(new InMemoryTape(100_000, 200_000)) };
        var systems = new[] { new SwitchingLinuxTapeSystem(), new SwitchingLinuxTapeSystem() };
        changer.OnMove = (drive, barcode) => systems[drive].Current = barcode is null ? null : tapes[barcode];
        var configuration = ChangerConfiguration("""
            [ { "name": "lto0", "kind": "linux-st", "device": "/dev/nst0", "element": 0 },
              { "name": "lto1", "kind": "linux-st", "device": "/dev/nst1", "element": 1 } ]
            """);
        var library = new MtxTapeLibrary("/dev/sg3", configuration.Drives.Select((d, i) =>
            new MtxLibraryDrive(d.Name, d.Element!.Value, new LinuxStTapeDrive(d.Device!, systems[i]))).ToList(), changer);
        // A cartridge the catalog does not know is never erased on its own: it is labelled for the pool explicitly.
        var context = new TapeContext(kit.Catalog.Database, library);
        VolumeAllocator.Label(library.Load("lto0", "A00001L6"), "A00001L6", "Daily", 65536, context.Catalog, library.Name);
        library.Unload("lto0");

        var set = BackupToTapeOperationTests.AddBackupSet(kit, "sales", initialize: true, files: 2, seed: 9);
        var agents = context.BuildAgents(configuration, new VolumeAllocator(library, context.Catalog, NullOperationReporter.Instance));
        var objects = set.Files.Select(f => new Engine.Tape.Agents.ChainedObject(
            new Engine.Tape.Agents.FileObjectSource(f.Path, TapeObjectNames.For(set, f), backupSetId: set.BackupSetId, expectedSha256: f.Sha256), [agents["A1"]])).ToList();
        var result = Engine.Tape.Agents.TapeWriteSession.Run("changer", objects, NullOperationReporter.Instance, CancellationToken.None);
        objects.ForEach(o => o.Source.Dispose());
        context.Record(result, NullOperationReporter.Instance);
        Assert.Null(result.Error);
        Assert.Contains("load 1 0", changer.Calls);
        Assert.DoesNotContain(changer.Calls, c => c.Contains("load 2"));       // the unknown cartridge was not taken

        var verified = TestTapeObjectOperation.Verify(context, result.Objects.Select(o => o.ObjectId).ToList(), onlyUnverified: true, drive: "lto1",
            NullOperationReporter.Instance, CancellationToken.None);
        Assert.Equal(2, verified.Count(v => v.Verified));
        Assert.Contains("load 1 1", changer.Calls);
        Assert.Matches(new Regex("^unload 1 1$"), changer.Calls[^1]);

        // Restore from the changer: the operation reads with the drive it is told, through mtx.
        changer.Calls.Clear();
        var restored = await new RestoreTapeObjectOperation(kit.Catalog.Database, new FixedTapeLibraryFactory(library)).RunAsync(new RestoreTapeObjectRequest
        {
            ObjectIds = result.Objects.Select(o => o.ObjectId).ToList(), Destination = kit.Directory.Combine("restore"), Drive = "lto1",
        }, NullOperationReporter.Instance, CancellationToken.None);
        Assert.Equal(set.Files.Select(f => f.Sha256).Order(), restored.Select(r => r.Sha256).Order());
        Assert.All(restored, r => Assert.Equal("A00001L6", r.Barcodes));
        Assert.Contains("load 1 1", changer.Calls);
    }
}
