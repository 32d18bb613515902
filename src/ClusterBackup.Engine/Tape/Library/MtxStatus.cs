using System.Globalization;
using System.Text.RegularExpressions;
using ClusterBackup.Engine.Common;

namespace ClusterBackup.Engine.Tape.Library;

/// <summary>A drive of a SCSI medium changer as <c>mtx status</c> lists it: a data transfer element.</summary>
/// <param name="Element">The drive number mtx takes (0-based, as printed).</param>
/// <param name="Full">Whether a cartridge is in the drive.</param>
/// <param name="SourceSlot">The storage element the cartridge came from, when the changer knows it.</param>
/// <param name="Barcode">The cartridge's volume tag, when the changer has a barcode reader.</param>
public sealed record MtxDrive(int Element, bool Full, int? SourceSlot, string? Barcode);

/// <summary>A slot of a SCSI medium changer as <c>mtx status</c> lists it: a storage element.</summary>
/// <param name="Element">The slot number mtx takes (1-based, as printed).</param>
/// <param name="Full">Whether a cartridge is in the slot.</param>
/// <param name="Barcode">The cartridge's volume tag, when there is one.</param>
/// <param name="ImportExport">A mail slot (IMPORT/EXPORT), through which cartridges enter and leave the library.</param>
public sealed record MtxSlot(int Element, bool Full, string? Barcode, bool ImportExport);

/// <summary>
/// The parsed output of <c>mtx -f /dev/sgN status</c>. The format is mtx's documented output (the mtx(1) manual page and the
/// status listing printed by mtx.c of the mtx 1.3 package that Debian ships):
/// <code>
///   Storage Changer /dev/sg3:2 Drives, 24 Slots ( 1 Import/Export )
/// Data Transfer Element 0:Full (Storage Element 3 Loaded):VolumeTag = A00003L6
/// Data Transfer Element 1:Empty
///       Storage Element 1:Full :VolumeTag=A00001L6
///       Storage Element 3:Empty
///       Storage Element 24 IMPORT/EXPORT:Empty
/// </code>
/// Drive lines may read "(Unknown Storage Element Loaded)" and carry no tag; slot and drive lines may be followed by
/// AlternateVolumeTag values, which are ignored. Tested against recorded samples of that output only; unverified against a real changer.
/// </summary>
public sealed record MtxStatus(IReadOnlyList<MtxDrive> Drives, IReadOnlyList<MtxSlot> Slots)
{
    private static readonly Regex Header = new(@"^\s*Storage Changer\s+(?<device>\S+?):(?<drives>\d+)\s+Drives?,\s*(?<slots>\d+)\s+Slots?", RegexOptions.CultureInvariant);
    private static readonly Regex Drive = new(
        @"^\s*Data Transfer Element\s+(?<element>\d+):(?<state>Full|Empty)(\s*\((?:Storage Element\s+(?<source>\d+)|Unknown Storage Element)\s+Loaded\))?(\s*:\s*VolumeTag\s*=\s*(?<tag>\S*))?",
        RegexOptions.CultureInvariant);
    private static readonly Regex Slot = new(
        @"^\s*Storage Element\s+(?<element>\d+)(?<ie>\s+IMPORT/EXPORT)?\s*:\s*(?<state>Full|Empty)(\s*:\s*VolumeTag\s*=\s*(?<tag>\S*))?",
        RegexOptions.CultureInvariant);

    /// <summary>Parses <paramref name="output"/>; a line that is neither a header, a drive, a slot nor an alternate tag is an error naming it.</summary>
    /// <param name="output">What <c>mtx status</c> printed.</param>
    /// <param name="changer">The changer device, for messages.</param>
    public static MtxStatus Parse(string output, string changer)
    {
        var drives = new List<MtxDrive>();
        var slots = new List<MtxSlot>();
        int? declaredDrives = null, declaredSlots = null;
        var number = 0;
        foreach (var raw in output.Split('\n'))
        {
            number++;
            var line = raw.TrimEnd('\r', ' ', '\t');
            if (line.Trim().Length == 0 || line.TrimStart().StartsWith("AlternateVolumeTag", StringComparison.Ordinal))
                continue;
            if (Header.Match(line) is { Success: true } h)
            {
                declaredDrives = int.Parse(h.Groups["drives"].Value, CultureInfo.InvariantCulture);
                declaredSlots = int.Parse(h.Groups["slots"].Value, CultureInfo.InvariantCulture);
            }
            else if (Drive.Match(line) is { Success: true } d)
                drives.Add(new MtxDrive(Int(d, "element"), d.Groups["state"].Value == "Full",
                    d.Groups["source"].Success ? Int(d, "source") : null, Tag(d)));
            else if (Slot.Match(line) is { Success: true } s)
                slots.Add(new MtxSlot(Int(s, "element"), s.Groups["state"].Value == "Full", Tag(s), s.Groups["ie"].Success));
            else
                throw new ClusterBackupException(ErrorKind.InvalidData, changer, $"Changer {changer}: line {number} of `mtx status` is not understood: '{line.Trim()}'.");
        }
        if (declaredDrives is null)
            throw new ClusterBackupException(ErrorKind.InvalidData, changer, $"Changer {changer}: `mtx status` printed no 'Storage Changer' header; is {changer} a medium changer?");
        if (drives.Count != declaredDrives || slots.Count != declaredSlots)
            throw new ClusterBackupException(ErrorKind.InvalidData, changer,
                $"Changer {changer}: `mtx status` declares {declaredDrives} drives and {declaredSlots} slots but lists {drives.Count} and {slots.Count}.");
        return new MtxStatus(drives, slots);
    }

    private static int Int(Match match, string group) => int.Parse(match.Groups[group].Value, CultureInfo.InvariantCulture);

    private static string? Tag(Match match) => match.Groups["tag"].Success && match.Groups["tag"].Value.Length > 0 ? match.Groups["tag"].Value : null;
}
