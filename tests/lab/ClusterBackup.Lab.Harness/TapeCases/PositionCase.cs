using ClusterBackup.Engine.Common;
using ClusterBackup.Engine;

namespace ClusterBackup.Lab.Harness.TapeCases;

/// <summary>
/// The provider's logical position (MTIOCPOS, which st answers with READ POSITION) and its status (which includes
/// the position), after two blocks and a file mark. A real drive answers; the case records what the emulation says.
/// </summary>
public sealed class PositionCase : ITapeCase
{
    public string Name => "position";
    public IReadOnlyList<string> Drives => ["a"];

    public void Run(TapeLab lab, TapeCaseResult result)
    {
        var drive = lab.Open("a");
        drive.Rewind();
        drive.WriteBlock([TestBytes.Record(1, 65536)]);
        drive.WriteBlock([TestBytes.Record(2, 65536)]);
        drive.WriteFileMark();
        var (status, bits) = lab.System.Status();
        result["mtGet"] = $"file {status.FileNumber} block {status.BlockNumber} {bits}";
        try
        {
            var position = drive.Position;
            result["position"] = $"file {position.FileNumber} block {position.BlockInFile} logical {position.LogicalBlock}";
        }
        catch (ClusterBackupException ex)
        {
            result["positionError"] = ex.Message;
        }
        try
        {
            result["status"] = drive.GetStatus().ToString();
        }
        catch (ClusterBackupException ex)
        {
            result["statusError"] = ex.Message;
        }
    }
}
