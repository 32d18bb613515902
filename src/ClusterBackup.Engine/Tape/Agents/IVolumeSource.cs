using ClusterBackup.Engine.Tape.Drives;
using ClusterBackup.Engine.Tape.Format;

namespace ClusterBackup.Engine.Tape.Agents;

/// <summary>A labelled cartridge loaded in a drive and positioned at its end of data, ready to append a session.</summary>
public sealed record MountedVolume(ITapeDrive Drive, VolumeLabel Label, long NextBlock, int FileNumber);

/// <summary>Where a media agent gets its cartridges: the first one, and the next one when a tape fills.</summary>
public interface IVolumeSource
{
    MountedVolume Mount(int volumeSequence);

    /// <summary>Done with the volume: <paramref name="full"/> after spanning, otherwise it may take more sessions.</summary>
    void Dismount(MountedVolume volume, long nextBlock, int nextFile, bool full);
}
