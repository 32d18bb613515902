using Newtonsoft.Json;
using Newtonsoft.Json.Linq;

namespace ClusterBackup.Engine.Common;

/// <summary>
/// The one way ClusterBackup reads its own JSON files: parse, require an object, require an integer version field
/// equal to the version this release reads. Every failure is an InvalidData error naming the file and the cause.
/// </summary>
public static class VersionedJson
{
    /// <summary>Parses <paramref name="text"/> and checks its version field; returns the root object.</summary>
    /// <param name="text">The file's content.</param>
    /// <param name="source">The file's path (or another name for the text), named in errors.</param>
    /// <param name="what">What the file is, for errors: "configuration file", "schedule", "library state".</param>
    /// <param name="versionField">The name of the version field ("version", "formatVersion").</param>
    /// <param name="currentVersion">The version this release reads.</param>
    public static JObject Parse(string text, string source, string what, string versionField, int currentVersion)
    {
        JToken token;
        try
        {
            token = JToken.Parse(text);
        }
        catch (JsonReaderException ex)
        {
            throw new ClusterBackupException(ErrorKind.InvalidData, source,
                $"The {what} '{source}' is not valid JSON (line {ex.LineNumber}, position {ex.LinePosition}): {ex.Message}", ex);
        }
        if (token is not JObject root)
            throw new ClusterBackupException(ErrorKind.InvalidData, source, $"The {what} '{source}' must be a JSON object.");
        if (root[versionField] is not { Type: JTokenType.Integer } version)
            throw new ClusterBackupException(ErrorKind.InvalidData, source,
                $"The {what} '{source}' has no integer '{versionField}' field; it is not a ClusterBackup {what}.");
        if (version.Value<long>() != currentVersion)
            throw new ClusterBackupException(ErrorKind.InvalidData, source,
                $"The {what} '{source}' has {versionField} {version.Value<long>()}; this release reads {versionField} {currentVersion}" +
                (version.Value<long>() > currentVersion ? " (it was written by a newer ClusterBackup)." : "."));
        return root;
    }
}
