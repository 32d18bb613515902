using ClusterBackup.Engine.Common;
using Microsoft.Data.Sqlite;

namespace ClusterBackup.Engine.Catalog;

/// <summary>
/// The backup operations database: one SQLite file in WAL mode with a busy timeout, its schema
/// brought up to date by forward migrations when opened. Every write goes through
/// <see cref="Write{T}"/>, one transaction per logical change, so a failure leaves nothing
/// half-recorded. See docs/catalog.md.
/// </summary>
public sealed class CatalogDatabase
{
    private const int BusyTimeoutMilliseconds = 30_000;
    private readonly string _connectionString;

    private CatalogDatabase(string path)
    {
        Path = path;
        _connectionString = new SqliteConnectionStringBuilder
        {
            DataSource = path,
            Mode = SqliteOpenMode.ReadWriteCreate,
            Pooling = true,
            DefaultTimeout = BusyTimeoutMilliseconds / 1000,
            ForeignKeys = true,
        }.ToString();
    }

    public string Path { get; }

    /// <summary>
    /// The lock file <paramref name="name"/> of this catalog's writers (<see cref="Common.WriterLock"/>): <c>locks/&lt;name&gt;.lock</c>
    /// beside the catalog file, so every process writing this catalog sees it. Unsafe characters of the name become '_'.
    /// </summary>
    public string LockPath(string name) =>
        System.IO.Path.Combine(System.IO.Path.GetDirectoryName(System.IO.Path.GetFullPath(Path))!, "locks",
            new string(name.Select(c => char.IsAsciiLetterOrDigit(c) || c is '-' or '.' or '_' ? c : '_').ToArray()) + ".lock");

    /// <summary>
    /// Opens (creating if needed) the catalog at <paramref name="path"/>, or at the default location,
    /// and applies pending migrations. Warns when the file is on a network file system.
    /// </summary>
    public static CatalogDatabase Open(string? path = null, IOperationReporter? reporter = null)
    {
        var resolved = CatalogLocation.Resolve(path);
        reporter ??= NullOperationReporter.Instance;
        try
        {
            var directory = System.IO.Path.GetDirectoryName(resolved);
            if (!string.IsNullOrEmpty(directory))
                Directory.CreateDirectory(directory);
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
        {
            throw new ClusterBackupException(ErrorKind.PermissionDenied, resolved,
                $"Cannot create the catalog folder for '{resolved}': {ex.Message}. Pass -CatalogPath (or --catalog) or set {CatalogLocation.EnvironmentVariable}.", ex);
        }
        if (CatalogLocation.IsNetworkPath(resolved))
            reporter.Warning($"The catalog '{resolved}' is on a network file system; SQLite locking is not safe there. Keep the catalog on the backup server's local disk.");

        var catalog = new CatalogDatabase(resolved);
        catalog.Migrate(reporter);
        return catalog;
    }

    /// <summary>The schema version: the highest applied migration.</summary>
    public int SchemaVersion => Read(c => Convert.ToInt32(Scalar(c, "SELECT COALESCE(MAX(version), 0) FROM schema_migrations")));

    /// <summary>Opens a connection with the house pragmas set. The caller disposes it.</summary>
    public SqliteConnection OpenConnection()
    {
        var connection = new SqliteConnection(_connectionString);
        try
        {
            connection.Open();
            using var pragma = connection.CreateCommand();
            pragma.CommandText = $"PRAGMA journal_mode=WAL; PRAGMA busy_timeout={BusyTimeoutMilliseconds}; PRAGMA synchronous=FULL; PRAGMA foreign_keys=ON;";
            pragma.ExecuteNonQuery();
            return connection;
        }
        catch (SqliteException ex)
        {
            connection.Dispose();
            throw new ClusterBackupException(ErrorKind.ResourceUnavailable, Path, $"Cannot open the catalog '{Path}': {ex.Message}", ex);
        }
    }

    /// <summary>Runs <paramref name="work"/> in one immediate (write-locking) transaction and commits it.</summary>
    public T Write<T>(Func<SqliteConnection, SqliteTransaction, T> work)
    {
        using var connection = OpenConnection();
        using var transaction = connection.BeginTransaction(deferred: false);
        var result = work(connection, transaction);
        transaction.Commit();
        return result;
    }

    public void Write(Action<SqliteConnection, SqliteTransaction> work) => Write<object?>((c, t) => { work(c, t); return null; });

    public T Read<T>(Func<SqliteConnection, T> work)
    {
        using var connection = OpenConnection();
        return work(connection);
    }

    public static IReadOnlyList<ICatalogMigration> DiscoverMigrations()
    {
        var migrations = typeof(CatalogDatabase).Assembly.GetTypes()
            .Where(t => typeof(ICatalogMigration).IsAssignableFrom(t) && t is { IsAbstract: false, IsInterface: false })
            .Select(t => (ICatalogMigration)Activator.CreateInstance(t, nonPublic: true)!)
            .OrderBy(m => m.Version)
            .ToList();
        var duplicate = migrations.GroupBy(m => m.Version).FirstOrDefault(g => g.Count() > 1);
        if (duplicate is not null)
            throw new InvalidOperationException($"Catalog migrations {string.Join(", ", duplicate.Select(m => m.Name))} share version {duplicate.Key}.");
        return migrations;
    }

    private void Migrate(IOperationReporter reporter)
    {
        Write((c, t) => Execute(c, t, """
            CREATE TABLE IF NOT EXISTS schema_migrations (
                version     INTEGER PRIMARY KEY,
                name        TEXT NOT NULL,
                applied_utc TEXT NOT NULL)
            """));
        foreach (var migration in DiscoverMigrations())
        {
            Write((c, t) =>
            {
                // Checked inside the write lock so two processes opening a new catalog apply each step once.
                using var check = c.CreateCommand();
                check.Transaction = t;
                check.CommandText = "SELECT COUNT(*) FROM schema_migrations WHERE version = $v";
                check.Parameters.AddWithValue("$v", migration.Version);
                if (Convert.ToInt64(check.ExecuteScalar()) > 0)
                    return;
                reporter.Verbose($"Catalog '{Path}': applying migration {migration.Version} ({migration.Name}).");
                migration.Apply(c, t);
                using var record = c.CreateCommand();
                record.Transaction = t;
                record.CommandText = "INSERT INTO schema_migrations(version, name, applied_utc) VALUES ($v, $n, $t)";
                record.Parameters.AddWithValue("$v", migration.Version);
                record.Parameters.AddWithValue("$n", migration.Name);
                record.Parameters.AddWithValue("$t", CatalogTime.Format(DateTimeOffset.UtcNow));
                record.ExecuteNonQuery();
            });
        }
    }

    /// <summary>Runs a statement (or several) inside a transaction; a helper for migrations and repositories.</summary>
    public static int Execute(SqliteConnection connection, SqliteTransaction? transaction, string sql, params (string Name, object? Value)[] parameters)
    {
        using var command = connection.CreateCommand();
        command.Transaction = transaction;
        command.CommandText = sql;
        foreach (var (name, value) in parameters)
            command.Parameters.AddWithValue(name, value ?? DBNull.Value);
        return command.ExecuteNonQuery();
    }

    public static object? Scalar(SqliteConnection connection, string sql, SqliteTransaction? transaction = null, params (string Name, object? Value)[] parameters)
    {
        using var command = connection.CreateCommand();
        command.Transaction = transaction;
        command.CommandText = sql;
        foreach (var (name, value) in parameters)
            command.Parameters.AddWithValue(name, value ?? DBNull.Value);
        var result = command.ExecuteScalar();
        return result is DBNull ? null : result;
    }
}
