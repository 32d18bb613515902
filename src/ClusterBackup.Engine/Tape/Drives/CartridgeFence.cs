using System.Text;
using ClusterBackup.Engine.Common;
using Microsoft.Win32.SafeHandles;
using Newtonsoft.Json.Linq;

namespace ClusterBackup.Engine.Tape.Drives;

/// <summary>What a virtual cartridge's fence file holds: the highest fencing token that has written to it, and its holder.</summary>
public sealed record CartridgeFenceRecord(int FormatVersion, long Token, string? Holder);

/// <summary>
/// The fence of a virtual cartridge (docs/tape-format.md, "Fencing"): <c>&lt;barcode&gt;.tap.fence</c> beside the cartridge file
/// records the highest fencing token of the library's writer lock (<see cref="WriterLock.Token"/>) that has written to it. A
/// writer claims the cartridge when it loads it (refused when the recorded token is higher than its own, else it records its
/// own) and checks again before every write. A cartridge without the file has token 0: every writer may append to it.
/// </summary>
public sealed class CartridgeFence
{
    public const int FormatVersion = 1;
    private readonly string _path;
    private readonly string _barcode;
    private readonly string _library;
    private readonly WriterLock _writer;

    private CartridgeFence(string path, string barcode, string library, WriterLock writer)
    {
        _path = path;
        _barcode = barcode;
        _library = library;
        _writer = writer;
    }

    /// <summary>The fence file of the cartridge file <paramref name="cartridgePath"/>.</summary>
    public static string PathFor(string cartridgePath) => cartridgePath + ".fence";

    /// <summary>
    /// Claims <paramref name="cartridge"/> of <paramref name="library"/> for <paramref name="writer"/>: refuses when a higher token
    /// has written to it, else records the writer's token (temporary name, renamed into place, flushed) before anything is written.
    /// </summary>
    public static CartridgeFence Claim(VirtualCartridge cartridge, string library, WriterLock writer)
    {
        var fence = new CartridgeFence(PathFor(cartridge.Path), cartridge.Barcode, library, writer);
        var recorded = fence.Check();
        if (recorded?.Token != writer.Token)
            AtomicFile.WriteAllText(fence._path,
                new JObject { ["formatVersion"] = FormatVersion, ["token"] = writer.Token, ["holder"] = writer.Holder }.ToString(Newtonsoft.Json.Formatting.None) + "\n",
                $"the fence of cartridge {cartridge.Barcode}");
        return fence;
    }

    /// <summary>Reads the fence file; null when there is none (token 0).</summary>
    public static CartridgeFenceRecord? Read(string path, string barcode)
    {
        byte[] bytes;
        try
        {
            // Opened and read whole on every check, not kept open: the file is replaced by rename, and a network file system
            // revalidates a file when it is opened.
            using SafeFileHandle handle = File.OpenHandle(path, FileMode.Open, FileAccess.Read, FileShare.ReadWrite | FileShare.Delete);
            var length = RandomAccess.GetLength(handle);
            if (length > 4096)
                throw new ClusterBackupException(ErrorKind.InvalidData, barcode, $"The fence file '{path}' of cartridge {barcode} is {length} bytes, not a fence record.");
            bytes = new byte[length];
            var done = 0;
            while (done < bytes.Length)
            {
                var n = RandomAccess.Read(handle, bytes.AsSpan(done), done);
                if (n <= 0)
                    break;
                done += n;
            }
        }
        catch (Exception ex) when (ex is FileNotFoundException or DirectoryNotFoundException)
        {
            return null;
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
        {
            throw new ClusterBackupException(ErrorKind.ResourceUnavailable, barcode, $"Cannot read the fence file '{path}' of cartridge {barcode}: {ex.Message}", ex);
        }
        var root = VersionedJson.Parse(Encoding.UTF8.GetString(bytes), path, $"fence file of cartridge {barcode}", "formatVersion", FormatVersion);
        if (root["token"] is not { Type: JTokenType.Integer } token || !long.TryParse(token.ToString(), out var value) || value < 0)
            throw new ClusterBackupException(ErrorKind.InvalidData, barcode,
                $"The fence file '{path}' of cartridge {barcode} is not a version {FormatVersion} fence record with a token of 0 or more.");
        return new CartridgeFenceRecord(FormatVersion, value, root["holder"] is { Type: JTokenType.String } holder ? (string?)holder : null);
    }

    /// <summary>
    /// Before a write: refuses, naming the cartridge, the library, both tokens and the holder, when a higher token than this
    /// writer's has written to the cartridge. Returns what the fence file holds.
    /// </summary>
    public CartridgeFenceRecord? Check()
    {
        var recorded = Read(_path, _barcode);
        if (recorded is not null && recorded.Token > _writer.Token)
            throw _writer.Fenced(_barcode, $"cartridge {_barcode} of tape library {_library}", recorded.Token, recorded.Holder);
        return recorded;
    }
}
