using System.Globalization;
using ClusterBackup.Engine.Catalog;
using ClusterBackup.Engine.Common;
using Newtonsoft.Json.Linq;

namespace ClusterBackup.Engine.Backup;

/// <summary>
/// The share marker <c>.clusterbackup-share</c> at the root of a backup share (docs/share-layout.md): a JSON object with
/// <c>formatVersion</c> 1, the share's id (a GUID) and the time it was written. It is written once, whole (temporary name,
/// fsync, rename), when the share is initialized; its presence tells a mounted share from the empty mount-point folder.
/// </summary>
public static class ShareMarker
{
    public const string FileName = ".clusterbackup-share";
    public const int FormatVersion = 1;

    public static string PathIn(string share) => Path.Combine(share, FileName);

    /// <summary>The share's identity from its marker, or null when the share has no marker. A marker that cannot be read
    /// or is not a share marker is an error naming the file.</summary>
    public static BackupShare? Read(string share)
    {
        var path = PathIn(share);
        string text;
        try
        {
            if (!File.Exists(path))
                return null;
            text = File.ReadAllText(path);
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
        {
            throw new ClusterBackupException(ErrorKind.ReadError, path, $"Cannot read the share marker '{path}': {ex.Message}", ex) { Cause = "ShareIdentityUnreadable" };
        }
        var root = VersionedJson.Parse(text, path, "share marker", "formatVersion", FormatVersion);
        if (root["shareId"] is not { Type: JTokenType.String } id || !Guid.TryParse((string)id!, out var shareId))
            throw new ClusterBackupException(ErrorKind.InvalidData, path, $"The share marker '{path}' has no 'shareId' GUID.") { Cause = "ShareIdentityUnreadable" };
        if (root["created"] is not { } created || !DateTimeOffset.TryParse(created.Type == JTokenType.Date ? ((DateTime)created).ToString("o", CultureInfo.InvariantCulture) : (string?)created,
                CultureInfo.InvariantCulture, DateTimeStyles.AssumeUniversal, out var createdAt))
            throw new ClusterBackupException(ErrorKind.InvalidData, path, $"The share marker '{path}' has no 'created' time.") { Cause = "ShareIdentityUnreadable" };
        return new BackupShare(ShareCatalog.Normalize(share), shareId, createdAt);
    }

    /// <summary>Writes a new marker with a fresh id; an existing marker is replaced only when <paramref name="replace"/> is set.</summary>
    public static BackupShare Write(string share, bool replace)
    {
        var identity = new BackupShare(ShareCatalog.Normalize(share), Guid.NewGuid(), DateTimeOffset.UtcNow) { Initialized = true };
        var json = new JObject
        {
            ["formatVersion"] = FormatVersion,
            ["shareId"] = identity.ShareId.ToString(),
            ["created"] = identity.Created.UtcDateTime.ToString("yyyy-MM-ddTHH:mm:ss.fffZ", CultureInfo.InvariantCulture),
        };
        AtomicFile.Write(PathIn(share), stream =>
        {
            var bytes = System.Text.Encoding.UTF8.GetBytes(json.ToString() + "\n");
            stream.Write(bytes);
        }, "the share marker", overwrite: replace);
        return identity;
    }
}
