using ClusterBackup.Engine.Tape.Drives;

namespace ClusterBackup.Engine.Tape.Agents;

/// <summary>A volume of a tape stream, loaded for reading; file and first block are known when the catalog supplied them.</summary>
public sealed record ReadVolume(ITapeDrive Drive, string Barcode, int? FileNumber, long? FileFirstBlock);

/// <summary>Mounts the volumes of one tape stream for a restore media agent, by volume sequence.</summary>
public interface IReadVolumeSource
{
    /// <summary>The volume with this sequence number in the stream, or null when it is not known (reading from media only).</summary>
    ReadVolume? Mount(int volumeSequence);
    void Dismount(ReadVolume volume);
}
