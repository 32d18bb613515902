using System.Globalization;
using Newtonsoft.Json.Linq;

namespace ClusterBackup.Engine.Common;

/// <summary>
/// Whole numbers read from the JSON files an admin edits. A number too large for its field is a value out of range,
/// reported by the caller against the file and field; it is never an OverflowException from a cast.
/// </summary>
public static class JsonNumber
{
    /// <summary>The integer in <paramref name="token"/> (a JSON integer, or a string of digits where
    /// <paramref name="allowString"/>), when it fits in an <see cref="int"/>.</summary>
    public static bool TryGetInt32(JToken? token, out int value, bool allowString = false)
    {
        value = 0;
        if (token is null)
            return false;
        return (token.Type == JTokenType.Integer || (allowString && token.Type == JTokenType.String))
            && int.TryParse(token.ToString(), NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture, out value);
    }
}
