using ClusterBackup.Engine.Tape.Agents;
using ClusterBackup.Engine.Tape.Drives;
using ClusterBackup.Engine.Tape.Format;
using ClusterBackup.Engine.Tape.Library;

namespace ClusterBackup.Engine.Tests.Tape;

/// <summary>
/// Two instances of one virtual library (as a test's own and the one an operation opens through its factory, or two processes): what
/// one does to a drive and its cartridge is what the other sees at its next load, never a drive object it loaded earlier.
/// </summary>
public sealed class VirtualTapeLibraryInstancesTests
{
    private const int BlockSize = 64 * 1024;

    private static VolumeLabel Label(string barcode) => new(TapeFormat.Version, barcode, "Daily", Guid.NewGuid(), BlockSize, DateTimeOffset.UtcNow);

    [Fact]
    public void ALoadAfterAnotherInstanceUsedTheDriveWritesToTheCartridgeItNames()
    {
        using var kit = new TapeTestKit(drives: 1, cartridges: 2);
        // This instance loads VT0001 and leaves it in the drive.
        TapeBlockBuilder.WriteLabel(kit.Library.Load("drive0", "VT0001"), Label("VT0001"));

        // Another instance takes the drive over (the cartridge in it is this process's), uses it and empties it.
        var other = VirtualTapeLibrary.Open(kit.Library.Root);
        other.Load("drive0", "VT0001");
        other.Unload("drive0");

        TapeBlockBuilder.WriteLabel(kit.Library.Load("drive0", "VT0002"), Label("VT0002"));
        kit.Library.Unload("drive0");

        Assert.Equal("VT0001", ReadLabel(kit, "VT0001").Barcode);
        Assert.Equal("VT0002", ReadLabel(kit, "VT0002").Barcode);
    }

    [Fact]
    public void ALoadAfterAnotherInstanceAppendedSeesTheEndOfDataAsTheFileHasIt()
    {
        using var kit = new TapeTestKit(drives: 1, cartridges: 1);
        var tape = kit.Library.Load("drive0", "VT0001");
        TapeBlockBuilder.WriteLabel(tape, Label("VT0001"));

        var other = VirtualTapeLibrary.Open(kit.Library.Root);
        var appending = other.Load("drive0", "VT0001");
        appending.SeekToEndOfData();
        appending.WriteBlock([new byte[BlockSize]]);
        appending.WriteFileMark();
        other.Unload("drive0");

        var again = kit.Library.Load("drive0", "VT0001");
        again.SeekToEndOfData();
        Assert.Equal(new TapePosition(2, 0, 4), again.Position);
        kit.Library.Unload("drive0");
    }

    private static VolumeLabel ReadLabel(TapeTestKit kit, string barcode)
    {
        var drive = kit.Library.Load("drive0", barcode);
        try
        {
            return new TapeVolumeReader(drive, barcode).ReadLabel(barcode);
        }
        finally
        {
            kit.Library.Unload("drive0");
        }
    }
}
