using System.Text.RegularExpressions;
using ClusterBackup.Engine.Common;
using ClusterBackup.Engine.Tape.Configuration;
using ClusterBackup.Engine.Tape.Drives;

namespace ClusterBackup.Engine.Tape.Library;

/// <summary>
/// Builds the library and drives a media-agent configuration names: a changer through <c>mtx</c> with Linux st or Windows tape
/// drives (<see cref="MtxTapeLibrary"/>, <see cref="LinuxStTapeDrive"/>, <see cref="WindowsTapeDrive"/>), chosen by configuration alone.
/// Without a "changer" the virtual library is used (TapeContext). The real drives and changer are unverified on real hardware.
/// </summary>
public static class TapeLibraryFactory
{
    private static readonly Regex LinuxNoRewind = new(@"^/dev/nst\d+$", RegexOptions.CultureInvariant);
    private static readonly Regex WindowsTape = new(@"^\\\\\.\\Tape\d+$", RegexOptions.CultureInvariant | RegexOptions.IgnoreCase);

    /// <summary>The changer library of <paramref name="configuration"/>, its drives built by <see cref="CreateDrive"/>.</summary>
    /// <param name="configuration">A configuration with a "changer".</param>
    /// <param name="runner">Runs mtx; default the real program.</param>
    /// <param name="linux">The Linux tape calls; default the real ones.</param>
    /// <param name="windows">The Windows tape calls; default the real ones.</param>
    public static MtxTapeLibrary Open(MediaAgentConfiguration configuration, IMtxRunner? runner = null, ILinuxTapeSystem? linux = null, IWindowsTapeApi? windows = null)
    {
        var changer = configuration.Changer ?? throw new ClusterBackupException(ErrorKind.InvalidArgument, "changer", "The media-agent configuration names no changer.");
        var issues = Validate(configuration);
        if (issues.Count > 0)
            throw new ClusterBackupException(ErrorKind.InvalidArgument, issues[0].Element, $"The media-agent configuration is not valid: {string.Join(" ", issues.Select(i => i.Message))}");
        var drives = configuration.Drives.Select(d => new MtxLibraryDrive(d.Name, d.Element!.Value, CreateDrive(d, linux, windows))).ToList();
        return new MtxTapeLibrary(changer.Device, drives, runner ?? new MtxRunner(changer.Program ?? "mtx"));
    }

    /// <summary>The OS drive of a linux-st or windows definition.</summary>
    public static ITapeDrive CreateDrive(DriveDefinition drive, ILinuxTapeSystem? linux = null, IWindowsTapeApi? windows = null) => drive.Kind switch
    {
        DriveKinds.LinuxSt => new LinuxStTapeDrive(drive.Device!, linux ?? new LinuxTapeSystem()),
        DriveKinds.Windows => new WindowsTapeDrive(drive.Device!, windows ?? new WindowsTapeApi()),
        _ => throw new ClusterBackupException(ErrorKind.InvalidArgument, $"drives[{drive.Name}].kind",
            $"Drive {drive.Name} is of kind '{drive.Kind}'; a drive of a changer is {DriveKinds.LinuxSt} or {DriveKinds.Windows}."),
    };

    /// <summary>Every problem of the "drives" and "changer" sections, each naming its field.</summary>
    public static IReadOnlyList<ConfigurationIssue> Validate(MediaAgentConfiguration configuration)
    {
        var issues = new List<ConfigurationIssue>();
        foreach (var group in configuration.Drives.GroupBy(d => d.Name, StringComparer.OrdinalIgnoreCase).Where(g => g.Count() > 1))
            issues.Add(new($"drives[{group.Key}]", $"Drive name '{group.Key}' is defined {group.Count()} times."));
        foreach (var d in configuration.Drives)
        {
            var at = $"drives[{d.Name}]";
            if (string.IsNullOrWhiteSpace(d.Name))
                issues.Add(new("drives", "A drive has no name."));
            switch (d.Kind)
            {
                case DriveKinds.Virtual:
                    if (d.Device is not null)
                        issues.Add(new($"{at}.device", $"Drive {d.Name} is virtual and takes no device (its cartridges are files of the virtual library)."));
                    if (configuration.Changer is not null)
                        issues.Add(new($"{at}.kind", $"Drive {d.Name} is virtual, but the configuration names a changer; a changer's drives are {DriveKinds.LinuxSt} or {DriveKinds.Windows}."));
                    break;
                case DriveKinds.LinuxSt:
                    if (d.Device is null || !LinuxNoRewind.IsMatch(d.Device))
                        issues.Add(new($"{at}.device", $"Drive {d.Name} ({DriveKinds.LinuxSt}) has device '{d.Device}'; it must be a no-rewind st device, /dev/nstN (a rewinding /dev/stN would rewind after every session)."));
                    break;
                case DriveKinds.Windows:
                    if (d.Device is null || !WindowsTape.IsMatch(d.Device))
                        issues.Add(new($"{at}.device", $"Drive {d.Name} ({DriveKinds.Windows}) has device '{d.Device}'; it must be \\\\.\\TapeN."));
                    break;
                default:
                    issues.Add(new($"{at}.kind", $"Drive {d.Name} has kind '{d.Kind}'; the kinds are {DriveKinds.Virtual}, {DriveKinds.LinuxSt} and {DriveKinds.Windows}."));
                    break;
            }
            if (d.Kind != DriveKinds.Virtual && configuration.Changer is null)
                issues.Add(new("changer", $"Drive {d.Name} is a real drive, but the configuration names no changer; a standalone drive (no robot) is not supported yet."));
            if (configuration.Changer is not null && d.Element is null or < 0)
                issues.Add(new($"{at}.element", $"Drive {d.Name} needs its data transfer element number in the changer (\"element\", as `mtx status` prints it)."));
        }
        foreach (var group in configuration.Drives.Where(d => d.Element is not null).GroupBy(d => d.Element).Where(g => g.Count() > 1))
            issues.Add(new($"drives[{group.First().Name}].element", $"Drives {string.Join(" and ", group.Select(d => d.Name))} are both data transfer element {group.Key}."));
        if (configuration.Changer is { } changer)
        {
            if (!string.Equals(changer.Kind, "mtx", StringComparison.Ordinal))
                issues.Add(new("changer.kind", $"Changer kind '{changer.Kind}' is not known; the kind is mtx."));
            if (string.IsNullOrWhiteSpace(changer.Device))
                issues.Add(new("changer.device", "The changer names no device (its SCSI generic device, e.g. /dev/sg3)."));
            if (configuration.Drives.Count == 0)
                issues.Add(new("drives", "The configuration names a changer but no drives."));
        }
        return issues;
    }
}
