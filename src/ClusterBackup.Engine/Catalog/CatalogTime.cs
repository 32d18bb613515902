using System.Globalization;

namespace ClusterBackup.Engine.Catalog;

/// <summary>Times are stored as ISO 8601 UTC text with fixed precision, so they sort as strings.</summary>
public static class CatalogTime
{
    private const string Format_ = "yyyy-MM-dd'T'HH:mm:ss.fffffff'Z'";

    public static string Format(DateTimeOffset time) => time.UtcDateTime.ToString(Format_, CultureInfo.InvariantCulture);

    public static DateTimeOffset Parse(string text) =>
        DateTimeOffset.ParseExact(text, Format_, CultureInfo.InvariantCulture, DateTimeStyles.AssumeUniversal | DateTimeStyles.AdjustToUniversal);

    public static DateTimeOffset? ParseNullable(object? value) => value is string s ? Parse(s) : null;
}
