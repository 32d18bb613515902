namespace ClusterBackup.Engine.Databases.SqlServer;

/// <summary>A statement SQL Server refused: its error number (e.g. 4214, 3201) and message.</summary>
public sealed class SqlServerCommandException(int number, string message, Exception? inner = null) : Exception(message, inner)
{
    public int Number { get; } = number;
}
