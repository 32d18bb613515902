using ClusterBackup.Engine.Tape.Agents;
using ClusterBackup.Engine.Tape.Format;

namespace ClusterBackup.Lab.Harness.TapeCases;

/// <summary>Labels the cartridge in drive a (the label block and its file mark, docs/tape-format.md) and reads the label back.</summary>
public sealed class LabelCase : ITapeCase
{
    public string Name => "label";
    public IReadOnlyList<string> Drives => ["a"];

    public void Run(TapeLab lab, TapeCaseResult result)
    {
        var barcode = lab.Drive("a").Barcode;
        var drive = lab.Open("a");
        var label = new VolumeLabel(TapeFormat.Version, barcode, "Lab", Guid.NewGuid(), TapeFormat.DefaultBlockSize, DateTimeOffset.UtcNow);
        TapeBlockBuilder.WriteLabel(drive, label);
        var read = new TapeVolumeReader(drive, barcode).ReadLabel(barcode);
        result["barcode"] = read.Barcode;
        result["volumeIdMatches"] = read.VolumeId == label.VolumeId;
        result["blockSize"] = read.BlockSize;
        result["statusAfterLabel"] = lab.System.Status().Bits;
        // The head is after the label's file mark: the next read finds blank tape.
        result["afterLabel"] = drive.ReadBlock(new byte[TapeFormat.MaxBlockSize]).Kind.ToString();
    }
}
