using ClusterBackup.Engine.Catalog;
using ClusterBackup.Engine.Tape.Agents;

namespace ClusterBackup.Engine.Tape.Library;

/// <summary>Mounts the volumes of a catalogued tape stream for a restore agent, in a given drive of the library.</summary>
public sealed class CatalogReadVolumes(ITapeLibrary library, string drive, TapeStream stream) : IReadVolumeSource
{
    public ReadVolume? Mount(int volumeSequence)
    {
        var volume = stream.Volumes.FirstOrDefault(v => v.VolumeSequence == volumeSequence);
        if (volume is null)
            return null;
        return new ReadVolume(library.Load(drive, volume.Barcode), volume.Barcode, volume.FileNumber, volume.FirstBlock);
    }

    public void Dismount(ReadVolume volume) => library.Unload(drive);
}
