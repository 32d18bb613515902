using System.Security.Cryptography;
using ClusterBackup.Engine.Tape.Agents;
using ClusterBackup.Engine.Tape.Drives;
using ClusterBackup.Engine.Tape.Format;
using ClusterBackup.Engine.Common;

namespace ClusterBackup.Lab.Harness.TapeCases;

/// <summary>
/// Cartridges for one media agent of the lab: volume N of its stream is the cartridge in the drive of role N,
/// labelled when mounted. The lab has no robot (the emulation's cartridges stay in their drives), so "the next
/// cartridge of the library" is the cartridge in the next drive; the engine's writer sees the same calls either way.
/// </summary>
public sealed class LabWriteVolumes(TapeLab lab, IReadOnlyList<string> roles, string pool, int blockSize) : IVolumeSource
{
    public List<string> Dismounted { get; } = [];

    public MountedVolume Mount(int volumeSequence)
    {
        if (volumeSequence >= roles.Count)
            throw new InvalidOperationException($"The lab has no cartridge for volume {volumeSequence} of this stream (drives: {string.Join(", ", roles)}).");
        var role = roles[volumeSequence];
        var drive = lab.Open(role);
        var label = new VolumeLabel(TapeFormat.Version, lab.Drive(role).Barcode, pool, Guid.NewGuid(), blockSize, DateTimeOffset.UtcNow);
        TapeBlockBuilder.WriteLabel(drive, label);
        // After the label and its file mark: block 1 of tape file 1.
        return new MountedVolume(drive, label, 1, 1);
    }

    public void Dismount(MountedVolume volume, long nextBlock, int nextFile, bool full) =>
        Dismounted.Add($"{volume.Label.Barcode}: next block {nextBlock}, next file {nextFile}{(full ? ", full" : "")}");
}

/// <summary>The volumes of one written stream for a restore agent: volume N in the drive of role N, the session in tape file 1 from block 1.</summary>
public sealed class LabReadVolumes(TapeLab lab, IReadOnlyList<string> roles) : IReadVolumeSource
{
    private readonly Dictionary<ReadVolume, ITapeDrive> _drives = [];

    public ReadVolume? Mount(int volumeSequence)
    {
        if (volumeSequence >= roles.Count)
            return null;
        var drive = lab.Open(roles[volumeSequence]);
        var volume = new ReadVolume(drive, lab.Drive(roles[volumeSequence]).Barcode, 1, 1);
        _drives[volume] = drive;
        return volume;
    }

    public void Dismount(ReadVolume volume) { }
}

/// <summary>Hashes what a restore agent hands over for one object, instead of writing it anywhere.</summary>
public sealed class HashingSink : IObjectSink
{
    private readonly IncrementalHash _sha = IncrementalHash.CreateHash(HashAlgorithmName.SHA256);
    public long Length { get; private set; }
    public string? Sha256 { get; private set; }
    public string? Error { get; private set; }

    public void Write(ReadOnlySpan<byte> data)
    {
        _sha.AppendData(data);
        Length += data.Length;
    }

    public void Complete(long length, string sha256) =>
        Sha256 = Convert.ToHexString(_sha.GetHashAndReset()).ToLowerInvariant() is var mine && mine == sha256 && length == Length ? mine : $"mismatch {mine}";

    public void Abort(Exception error) => Error = error.Message;
}

/// <summary>Keeps what the engine reported, for the case's observations.</summary>
public sealed class CollectingReporter : IOperationReporter
{
    public List<string> Messages { get; } = [];
    public void Progress(string activity, string status, int percentComplete) { }
    public void Verbose(string message) { lock (Messages) Messages.Add(message); }
    public void Warning(string message) { lock (Messages) Messages.Add("warning: " + message); }
}
