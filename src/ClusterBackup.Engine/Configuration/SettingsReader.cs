using ClusterBackup.Engine.Common;
using Newtonsoft.Json.Linq;

namespace ClusterBackup.Engine.Configuration;

/// <summary>Reading typed values out of provider and engine settings, with errors that name the object and key.</summary>
public static class SettingsReader
{
    public static string? GetString(this JObject settings, string key) =>
        settings.TryGetValue(key, StringComparison.OrdinalIgnoreCase, out var token) && token.Type != JTokenType.Null ? token.ToString() : null;

    public static int? GetInt(this JObject settings, string key, string owner)
    {
        if (!settings.TryGetValue(key, StringComparison.OrdinalIgnoreCase, out var token) || token.Type == JTokenType.Null)
            return null;
        return JsonNumber.TryGetInt32(token, out var value, allowString: true)
            ? value
            : throw new ClusterBackupException(ErrorKind.InvalidConfiguration, owner,
                $"Setting '{key}' of '{owner}' must be a whole number from {int.MinValue} to {int.MaxValue}, not '{token}'.");
    }

    public static bool? GetBool(this JObject settings, string key, string owner)
    {
        if (!settings.TryGetValue(key, StringComparison.OrdinalIgnoreCase, out var token) || token.Type == JTokenType.Null)
            return null;
        return token.Type == JTokenType.Boolean || (token.Type == JTokenType.String && bool.TryParse(token.ToString(), out _))
            ? bool.Parse(token.ToString())
            : throw new ClusterBackupException(ErrorKind.InvalidConfiguration, owner, $"Setting '{key}' of '{owner}' must be true or false, not '{token}'.");
    }

    /// <summary>A path setting; a relative path is taken relative to the configuration file's folder.</summary>
    public static string? GetPath(this JObject settings, string key)
    {
        var value = settings.GetString(key);
        if (string.IsNullOrWhiteSpace(value))
            return null;
        if (Path.IsPathRooted(value))
            return value;
        var baseDirectory = settings.GetString(ClusterBackupConfiguration.ConfigurationDirectoryKey) ?? Directory.GetCurrentDirectory();
        return Path.GetFullPath(Path.Combine(baseDirectory, value));
    }
}
