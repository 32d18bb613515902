using ClusterBackup.Engine.Tape.Configuration;
using ClusterBackup.Engine.Tape.Drives;
using ClusterBackup.Engine.Tape.Library;

namespace ClusterBackup.Lab.Harness.TapeCases;

/// <summary>A drive of the lab: its role, its st device and the barcode of the cartridge the emulation holds in it.</summary>
public sealed record LabDrive(string Role, string Device, string Barcode, int SizeMegabytes);

/// <summary>
/// The lab's drives by role, as given on the command line (role=/dev/nstN:BARCODE:SIZE_MB). Roles: <c>a</c> and <c>b</c>
/// (roomy cartridges, b is the mirror), <c>small</c> (a cartridge that fills), <c>span1</c> and <c>span2</c> (a
/// small cartridge and the one a spanning object continues on). Opens each drive through the engine's provider
/// with an <see cref="ObservedTapeSystem"/> that logs every call.
/// </summary>
public sealed class TapeLab(IReadOnlyDictionary<string, LabDrive> drives, string workDirectory)
{
    private readonly List<LinuxStTapeDrive> _open = [];

    public ObservedTapeSystem System { get; } = new(new LinuxTapeSystem());

    public string WorkDirectory { get; } = workDirectory;

    public LabDrive Drive(string role) => drives.TryGetValue(role, out var drive) ? drive
        : throw new InvalidOperationException($"The lab has no drive in role '{role}' (given: {string.Join(", ", drives.Keys)}).");

    public bool Has(string role) => drives.ContainsKey(role);

    /// <summary>
    /// The engine's Linux st provider on the drive of <paramref name="role"/>, loaded (open, MTLOAD, variable block mode).
    /// The drive is chosen as an admin's real drive is: a media-agent configuration names it, of kind linux-st, and the
    /// engine's factory builds the provider from that definition.
    /// </summary>
    public LinuxStTapeDrive Open(string role)
    {
        var configuration = MediaAgentConfiguration.Parse($$"""
            { "formatVersion": 1, "drives": [ { "name": "{{role}}", "kind": "{{DriveKinds.LinuxSt}}", "device": "{{Drive(role).Device}}" } ], "agents": [] }
            """, "the lab's media-agent configuration");
        var drive = (LinuxStTapeDrive)TapeLibraryFactory.CreateDrive(configuration.Drives.Single(d => d.Name == role), System);
        drive.Load();
        _open.Add(drive);
        return drive;
    }

    /// <summary>Closes every drive the case opened, so the next case can open them (st allows one open at a time).</summary>
    public void CloseAll()
    {
        foreach (var drive in _open)
            drive.Dispose();
        _open.Clear();
    }
}
