using ClusterBackup.Engine.Tape.Agents;
using ClusterBackup.Engine.Tape.Drives;

namespace ClusterBackup.Engine.Tape.Library;

/// <summary>Reads one cartridge as it is, without the catalog (listing or verifying from media).</summary>
public sealed class SingleReadVolume(Func<ITapeDrive> load, Action unload, string barcode) : IReadVolumeSource
{
    public ReadVolume? Mount(int volumeSequence) => volumeSequence == 0 ? new ReadVolume(load(), barcode, null, null) : null;
    public void Dismount(ReadVolume volume) => unload();
}
