using ClusterBackup.Engine.Common;
using ClusterBackup.Engine;
using ClusterBackup.Engine.Tape.Agents;
using ClusterBackup.Engine.Tape.Format;

namespace ClusterBackup.Lab.Harness.TapeCases;

/// <summary>
/// Rewind leaves the head at the beginning of the tape (BOT); Unload takes the drive offline (MTOFFL, the
/// cartridge is ejected); loading the drive again brings the same cartridge back with its label intact.
/// </summary>
public sealed class RewindAndOfflineCase : ITapeCase
{
    public string Name => "rewind-and-offline";
    public IReadOnlyList<string> Drives => ["a"];

    public void Run(TapeLab lab, TapeCaseResult result)
    {
        var barcode = lab.Drive("a").Barcode;
        var drive = lab.Open("a");
        var label = new VolumeLabel(TapeFormat.Version, barcode, "Lab", Guid.NewGuid(), TapeFormat.MinBlockSize, DateTimeOffset.UtcNow);
        TapeBlockBuilder.WriteLabel(drive, label);
        drive.WriteBlock([TestBytes.Record(5, 4096)]);
        result["statusBeforeRewind"] = lab.System.Status().Bits;
        drive.Rewind();
        result["statusAfterRewind"] = lab.System.Status().Bits;
        drive.Unload();
        result["unloaded"] = true;
        lab.CloseAll();
        try
        {
            var again = lab.Open("a");
            result["statusAfterLoadingAgain"] = lab.System.Status().Bits;
            result["labelAfterLoadingAgain"] = new TapeVolumeReader(again, barcode).ReadLabel(barcode).VolumeId == label.VolumeId;
        }
        catch (ClusterBackupException ex)
        {
            result["loadAgainError"] = ex.Message;
        }
    }
}
