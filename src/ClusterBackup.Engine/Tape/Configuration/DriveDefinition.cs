namespace ClusterBackup.Engine.Tape.Configuration;

/// <summary>The kinds of tape drive a media-agent configuration can name (docs/media-agent-configuration.md, "drives").</summary>
public static class DriveKinds
{
    /// <summary>A drive of the virtual library (SIMH .tap cartridges); the default.</summary>
    public const string Virtual = "virtual";
    /// <summary>A SCSI tape drive through the Linux st driver's no-rewind device /dev/nstN.</summary>
    public const string LinuxSt = "linux-st";
    /// <summary>A tape drive through the Windows tape API, \\.\TapeN.</summary>
    public const string Windows = "windows";
}

/// <summary>A tape drive the configuration names: its kind, its OS device, and its data transfer element in the changer.</summary>
public sealed class DriveDefinition
{
    /// <summary>The drive's name, which agents use in "drive".</summary>
    public string Name { get; set; } = "";
    /// <summary><c>virtual</c>, <c>linux-st</c> or <c>windows</c> (<see cref="DriveKinds"/>).</summary>
    public string Kind { get; set; } = DriveKinds.Virtual;
    /// <summary>The OS device: /dev/nstN (linux-st) or \\.\TapeN (windows); none for a virtual drive.</summary>
    public string? Device { get; set; }
    /// <summary>The drive's data transfer element number in the changer, as <c>mtx status</c> prints it (0-based).</summary>
    public int? Element { get; set; }
}

/// <summary>The medium changer (robot) of a library of real drives.</summary>
public sealed class ChangerDefinition
{
    /// <summary><c>mtx</c>: a SCSI medium changer driven through the mtx program.</summary>
    public string Kind { get; set; } = "mtx";
    /// <summary>The changer's SCSI generic device, e.g. /dev/sg3 (Linux).</summary>
    public string Device { get; set; } = "";
    /// <summary>The mtx program; default <c>mtx</c> on the PATH.</summary>
    public string? Program { get; set; }
}
