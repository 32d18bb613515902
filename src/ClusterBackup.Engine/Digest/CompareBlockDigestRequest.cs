using ClusterBackup.Engine.Common;

namespace ClusterBackup.Engine.Digest;

/// <summary>Which side of a comparison this machine holds.</summary>
public enum DigestRole : byte
{
    /// <summary>This side has the data that is right; it compares and sends differing blocks.</summary>
    Primary = 1,

    /// <summary>This side holds the copy; it digests, streams its digests, and receives repairs.</summary>
    Backup = 2,
}

/// <summary>
/// What Compare-BlockDigest should compare. Exactly one counterpart: <see cref="BackupPath"/> (local),
/// <see cref="DigestFilePath"/> (a stored digest file / backup map), or <see cref="Remote"/> (a
/// `clusterbackup digest serve` endpoint, with <see cref="RemotePath"/> the path on that machine).
/// </summary>
public sealed record CompareBlockDigestRequest
{
    /// <summary>The local path: the primary, or with <see cref="LocalRole"/> Backup the backup copy.</summary>
    public required string Path { get; init; }

    public string? BackupPath { get; init; }

    public string? DigestFilePath { get; init; }

    public DigestEndpoint? Remote { get; init; }

    public string? RemotePath { get; init; }

    /// <summary>The shared key file for a remote comparison.</summary>
    public string? KeyFile { get; init; }

    /// <summary>The role of <see cref="Path"/> in a remote comparison; Backup means the backup system starts it.</summary>
    public DigestRole LocalRole { get; init; } = DigestRole.Primary;

    public BlockDigestOptions Options { get; init; } = new();

    /// <summary>Write the differing blocks into the backup, flush, and re-verify them.</summary>
    public bool Repair { get; init; }

    /// <summary>With <see cref="Repair"/>: report what would be sent, write nothing.</summary>
    public bool WhatIf { get; init; }
}

/// <summary>A host and TCP port of a digest endpoint.</summary>
public sealed record DigestEndpoint(string Host, int Port)
{
    public const int DefaultPort = 7414;

    /// <summary>Parses "host", "host:port" or "[v6]:port".</summary>
    public static DigestEndpoint Parse(string text)
    {
        if (string.IsNullOrWhiteSpace(text))
            throw new ClusterBackupException(ErrorKind.InvalidArgument, text ?? "", "The remote endpoint is empty; give host or host:port.");
        text = text.Trim();
        if (text.StartsWith('['))
        {
            var close = text.IndexOf(']');
            var host = text[1..close];
            return text.Length > close + 2 && text[close + 1] == ':' ? new(host, ParsePort(text[(close + 2)..], text)) : new(host, DefaultPort);
        }
        var colon = text.LastIndexOf(':');
        if (colon > 0 && text.IndexOf(':') == colon)
            return new(text[..colon], ParsePort(text[(colon + 1)..], text));
        return new(text, DefaultPort);
    }

    private static int ParsePort(string port, string text) =>
        int.TryParse(port, out var value) && value is > 0 and < 65536
            ? value
            : throw new ClusterBackupException(ErrorKind.InvalidArgument, text, $"'{text}' has no valid TCP port (1-65535).");

    public override string ToString() => Host.Contains(':') ? $"[{Host}]:{Port}" : $"{Host}:{Port}";
}
