using System.Text;
using ClusterBackup.Engine.Common;

namespace ClusterBackup.Engine.Databases.SqlServer;

/// <summary>
/// Quoting for the few places a name or path must appear inside T-SQL text (scripts shown to the user,
/// -WhatIf output). Statements the engine runs pass names and paths as parameters instead.
/// Behaviour follows the documented QUOTENAME: brackets, a closing bracket doubled, at most 128 characters.
/// </summary>
public static class TSql
{
    /// <summary>The longest identifier (sysname) SQL Server accepts.</summary>
    public const int MaxIdentifierLength = 128;

    /// <summary><c>QUOTENAME(name)</c>: [name] with every ] doubled. Rejects what SQL Server could not hold as a name.</summary>
    public static string QuoteName(string name)
    {
        ValidateName(name);
        return "[" + name.Replace("]", "]]", StringComparison.Ordinal) + "]";
    }

    /// <summary>An N'...' Unicode string literal with every single quote doubled.</summary>
    public static string UnicodeLiteral(string value)
    {
        ArgumentNullException.ThrowIfNull(value);
        if (value.Contains('\0'))
            throw new ArgumentException("A T-SQL string cannot hold a NUL character.", nameof(value));
        return "N'" + value.Replace("'", "''", StringComparison.Ordinal) + "'";
    }

    /// <summary>Checks a database or logical file name: not empty, at most 128 characters, no NUL.</summary>
    public static void ValidateName(string name, string what = "name")
    {
        if (string.IsNullOrWhiteSpace(name))
            throw new ClusterBackupException(ErrorKind.InvalidArgument, name ?? "", $"The {what} is empty.");
        if (name.Length > MaxIdentifierLength)
            throw new ClusterBackupException(ErrorKind.InvalidArgument, name,
                $"The {what} '{name[..32]}...' has {name.Length} characters; SQL Server allows {MaxIdentifierLength}.");
        if (name.Contains('\0'))
            throw new ClusterBackupException(ErrorKind.InvalidArgument, name, $"The {what} contains a NUL character.");
    }

    /// <summary>Renders a value as a T-SQL literal, for scripts shown to the user.</summary>
    public static string Literal(object? value) => value switch
    {
        null => "NULL",
        string s => UnicodeLiteral(s),
        bool b => b ? "1" : "0",
        int or long or short or decimal => Convert.ToString(value, System.Globalization.CultureInfo.InvariantCulture)!,
        DateTime d => "'" + d.ToString("yyyy-MM-ddTHH:mm:ss.fff", System.Globalization.CultureInfo.InvariantCulture) + "'",
        _ => throw new ArgumentException($"No T-SQL literal for {value.GetType().Name}.", nameof(value)),
    };

    internal static StringBuilder AppendLine(this StringBuilder builder, string text, int indent) => builder.Append(' ', indent).AppendLine(text);
}
