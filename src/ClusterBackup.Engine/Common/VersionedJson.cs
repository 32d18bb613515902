using Newtonsoft.Json;
using Newtonsoft.Json.Linq;

namespace ClusterBackup.Engine.Common;

/// <summary>
/// The one way ClusterBackup reads its own JSON files: parse, require an object, require an integer version field
/// equal to the version this release reads. Every failure is an error of <c>kind</c> (InvalidData for state ClusterBackup
/// writes, InvalidConfiguration for files the admin writes) naming the file and the cause.
/// </summary>
public static class VersionedJson
{
    /// <summary>Parses <paramref name="text"/> and checks its version field; returns the root object.</summary>
    /// <param name="text">The file's content.</param>
    /// <param name="source">The file's path (or another name for the text), named in errors.</param>
    /// <param name="what">What the file is, for errors: "configuration file", "schedule", "library state".</param>
    /// <param name="versionField">The name of the version field ("version", "formatVersion").</param>
    /// <param name="currentVersion">The version this release reads.</param>
    /// <param name="kind">The kind of every error: InvalidConfiguration for a file the admin writes.</param>
    public static JObject Parse(string text, string source, string what, string versionField, int currentVersion, ErrorKind kind = ErrorKind.InvalidData)
    {
        JToken token;
        try
        {
            token = JToken.Parse(text);
        }
        catch (JsonReaderException ex)
        {
            throw new ClusterBackupException(kind, source,
                $"The {what} '{source}' is not valid JSON (line {ex.LineNumber}, position {ex.LinePosition}): {ex.Message}", ex);
        }
        if (token is not JObject root)
            throw new ClusterBackupException(kind, source, $"The {what} '{source}' must be a JSON object.");
        if (root[versionField] is not { Type: JTokenType.Integer } version)
            throw new ClusterBackupException(kind, source,
                $"The {what} '{source}' has no integer '{versionField}' field; it is not a ClusterBackup {what}.");
        if (!JsonNumber.TryGetInt32(version, out var found) || found != currentVersion)
            throw new ClusterBackupException(kind, source,
                $"The {what} '{source}' has {versionField} {version}; this release reads {versionField} {currentVersion}" +
                (found > currentVersion || !JsonNumber.TryGetInt32(version, out _) && !version.ToString().StartsWith('-') ? " (it was written by a newer ClusterBackup)." : "."));
        return root;
    }
}
