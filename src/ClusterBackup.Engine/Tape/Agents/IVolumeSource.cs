using ClusterBackup.Engine.Tape.Drives;
using ClusterBackup.Engine.Tape.Format;

namespace ClusterBackup.Engine.Tape.Agents;

/// <summary>A labelled cartridge loaded in a drive and positioned at its end of data, ready to append a session.</summary>
public sealed record MountedVolume(ITapeDrive Drive, VolumeLabel Label, long NextBlock, int FileNumber);

/// <summary>Where a media agent gets its cartridges: the first one, and the next one when a tape fills.</summary>
public interface IVolumeSource
{
    MountedVolume Mount(int volumeSequence);

    /// <summary>
    /// The session header as the writer of these volumes signs it: with the fencing token of the library's writer lock, when the
    /// volumes are written under it (docs/tape-format.md, "Fencing"); unchanged otherwise.
    /// </summary>
    SessionDescriptor Sign(SessionDescriptor session) => session;

    /// <summary>Done with the volume: <paramref name="full"/> after spanning, otherwise it may take more sessions.</summary>
    void Dismount(MountedVolume volume, long nextBlock, int nextFile, bool full);
}
