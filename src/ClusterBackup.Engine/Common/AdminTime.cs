using System.Globalization;

namespace ClusterBackup.Engine.Common;

/// <summary>
/// The one rule for a time the admin types without a zone (a point in time, -Since): it is the admin's local time,
/// in the cmdlets and the CLI alike. A time with a zone or a 'Z' means exactly that instant.
/// </summary>
public static class AdminTime
{
    /// <summary>A PowerShell <see cref="DateTime"/> as an instant; one of kind Unspecified is local time.</summary>
    public static DateTimeOffset FromDateTime(DateTime time) =>
        new(time.Kind == DateTimeKind.Unspecified ? DateTime.SpecifyKind(time, DateTimeKind.Local) : time);

    /// <summary>Parses an ISO 8601 time as the CLI receives it; without a zone it is local time.</summary>
    public static bool TryParse(string text, out DateTimeOffset value) =>
        DateTimeOffset.TryParse(text, CultureInfo.InvariantCulture, DateTimeStyles.AssumeLocal, out value);
}
