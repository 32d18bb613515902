using Microsoft.Data.Sqlite;

namespace ClusterBackup.Engine.Catalog;

/// <summary>
/// The repositories' reads of required columns. SQLite stores a NULL even in a TEXT PRIMARY KEY, so a damaged or
/// hand-edited catalog can hold one anywhere. The provider's own refusal of a NULL is an InvalidOperationException that
/// cannot be told reliably from a defect once the JIT has inlined the provider's method into the caller. A NULL is
/// refused here instead, as a <see cref="FormatException"/> naming the column, which <see cref="CatalogDatabase"/>
/// reports as damage to the catalog.
/// </summary>
internal static class CatalogColumn
{
    public static string ReadString(this SqliteDataReader reader, int ordinal) => NotNull(reader, ordinal).GetString(ordinal);

    public static long ReadInt64(this SqliteDataReader reader, int ordinal) => NotNull(reader, ordinal).GetInt64(ordinal);

    public static int ReadInt32(this SqliteDataReader reader, int ordinal) => NotNull(reader, ordinal).GetInt32(ordinal);

    public static double ReadDouble(this SqliteDataReader reader, int ordinal) => NotNull(reader, ordinal).GetDouble(ordinal);

    public static bool ReadBoolean(this SqliteDataReader reader, int ordinal) => NotNull(reader, ordinal).GetBoolean(ordinal);

    private static SqliteDataReader NotNull(SqliteDataReader reader, int ordinal) =>
        reader.IsDBNull(ordinal)
            ? throw new FormatException($"Column {reader.GetName(ordinal)} is NULL where a value is required.")
            : reader;
}
