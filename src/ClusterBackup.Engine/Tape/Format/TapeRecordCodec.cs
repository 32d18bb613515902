using System.Buffers.Binary;
using System.Text;
using Newtonsoft.Json;

namespace ClusterBackup.Engine.Tape.Format;

/// <summary>The label in block 0 of every cartridge.</summary>
public sealed record VolumeLabel(int FormatVersion, string Barcode, string Pool, Guid VolumeId, int BlockSize, DateTimeOffset Created);

/// <summary>An object as a SessionStart/SessionContinue record lists it.</summary>
public sealed record SessionObject(Guid ObjectId, string Name, long Length, Guid? BackupSetId);

/// <summary>
/// SessionStart and SessionContinue data. From format version 2 a session written under a library's writer lock carries the lock's
/// fencing token (<paramref name="WriterToken"/>), the library whose lock it is and the holder; a version 1 session, or one written
/// without the lock, has token 0 and no library.
/// </summary>
public sealed record SessionDescriptor(Guid SessionId, string Job, string Agent, int MirrorLevel, DateTimeOffset Started, int VolumeSequence, IReadOnlyList<SessionObject> Objects,
    long WriterToken = 0, string? WriterLibrary = null, string? WriterHolder = null);

/// <summary>An object that ended in a session, as SessionEnd lists it.</summary>
public sealed record SessionEndObject(Guid ObjectId, long Length, string Sha256);

public sealed record SessionEndDescriptor(Guid SessionId, DateTimeOffset Finished, IReadOnlyList<SessionEndObject> Objects);

public sealed record EndOfVolumeDescriptor(Guid SessionId, int VolumeSequence);

/// <summary>Encodes and decodes record data; every decoder validates and names the volume and block.</summary>
public static class TapeRecordCodec
{
    private static readonly JsonSerializerSettings Settings = new()
    {
        DateParseHandling = DateParseHandling.DateTimeOffset,
        MissingMemberHandling = MissingMemberHandling.Ignore,
        NullValueHandling = NullValueHandling.Include,
    };

    public const int ObjectEndLength = 40;

    public static byte[] EncodeJson<T>(T value) => Encoding.UTF8.GetBytes(JsonConvert.SerializeObject(value, Settings));

    public static T DecodeJson<T>(ReadOnlySpan<byte> data, string barcode, long block, TapeRecordType type) where T : class
    {
        T? value;
        try
        {
            value = JsonConvert.DeserializeObject<T>(Encoding.UTF8.GetString(data), Settings);
        }
        catch (Exception ex) when (ex is JsonException or ArgumentException or FormatException or InvalidCastException)
        {
            throw TapeFormatException.At(barcode, block, $"the {type} record is not valid JSON ({ex.Message})");
        }
        if (value is null)
            throw TapeFormatException.At(barcode, block, $"the {type} record is empty");
        return value;
    }

    public static VolumeLabel DecodeLabel(ReadOnlySpan<byte> data, string barcode)
    {
        var label = DecodeJson<VolumeLabel>(data, barcode, 0, TapeRecordType.VolumeLabel);
        if (!TapeFormat.IsReadable(label.FormatVersion))
            throw TapeFormatException.At(barcode, 0, $"the volume label has format version {label.FormatVersion}; this reader knows {TapeFormat.ReadableVersions}");
        if (string.IsNullOrWhiteSpace(label.Barcode) || string.IsNullOrWhiteSpace(label.Pool) || label.VolumeId == Guid.Empty)
            throw TapeFormatException.At(barcode, 0, "the volume label lacks its barcode, pool or volume id");
        if (label.BlockSize < TapeFormat.MinBlockSize || label.BlockSize > TapeFormat.MaxBlockSize || label.BlockSize % 4096 != 0)
            throw TapeFormatException.At(barcode, 0, $"the volume label names block size {label.BlockSize}, which is not allowed");
        return label;
    }

    public static SessionDescriptor DecodeSession(ReadOnlySpan<byte> data, string barcode, long block, TapeRecordType type)
    {
        var session = DecodeJson<SessionDescriptor>(data, barcode, block, type);
        if (session.SessionId == Guid.Empty || session.Objects is null || session.Job is null || session.Agent is null || session.VolumeSequence < 0)
            throw TapeFormatException.At(barcode, block, $"the {type} record lacks its session id, job, agent, volume sequence or object list");
        if (session.WriterToken < 0)
            throw TapeFormatException.At(barcode, block, $"the {type} record carries writer token {session.WriterToken}; a fencing token is 0 or more");
        foreach (var o in session.Objects)
            if (o is null || o.ObjectId == Guid.Empty || o.Name is null || o.Length < 0)
                throw TapeFormatException.At(barcode, block, $"the {type} record lists an object without id, name or length");
        return session;
    }

    public static SessionEndDescriptor DecodeSessionEnd(ReadOnlySpan<byte> data, string barcode, long block)
    {
        var end = DecodeJson<SessionEndDescriptor>(data, barcode, block, TapeRecordType.SessionEnd);
        if (end.SessionId == Guid.Empty || end.Objects is null || end.Objects.Any(o => o is null || o.ObjectId == Guid.Empty || o.Sha256 is null))
            throw TapeFormatException.At(barcode, block, "the SessionEnd record lacks its session id or object list");
        return end;
    }

    public static byte[] EncodeObjectEnd(long length, ReadOnlySpan<byte> sha256)
    {
        var data = new byte[ObjectEndLength];
        BinaryPrimitives.WriteInt64LittleEndian(data, length);
        sha256.CopyTo(data.AsSpan(8));
        return data;
    }

    public static (long Length, byte[] Sha256) DecodeObjectEnd(ReadOnlySpan<byte> data, string barcode, long block)
    {
        if (data.Length != ObjectEndLength)
            throw TapeFormatException.At(barcode, block, $"an ObjectEnd record has {data.Length} data bytes, not {ObjectEndLength}");
        var length = BinaryPrimitives.ReadInt64LittleEndian(data);
        if (length < 0)
            throw TapeFormatException.At(barcode, block, "an ObjectEnd record has a negative length");
        return (length, data[8..].ToArray());
    }
}
