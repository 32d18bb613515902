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
    private const int SqliteCorrupt = 11, SqliteNotADatabase = 26;
    private readonly string _connectionString;

    private CatalogDatabase(string path, bool pooling = true)
    {
        Path = path;
        _connectionString = new SqliteConnectionStringBuilder
        {
            DataSource = path,
            Mode = SqliteOpenMode.ReadWriteCreate,
            Pooling = pooling,
            DefaultTimeout = BusyTimeoutMilliseconds / 1000,
            ForeignKeys = true,
        }.ToString();
    }

    /// <summary>The full path of the catalog file.</summary>
    public string Path { get; }

    /// <summary>
    /// The lock file <paramref name="name"/> of this catalog's writers (<see cref="Common.WriterLock"/>): <c>locks/&lt;name&gt;.lock</c>
    /// beside the catalog file, so every process writing this catalog sees it. Unsafe characters of the name become '_'.
    /// </summary>
    public string LockPath(string name) =>
        System.IO.Path.Combine(System.IO.Path.GetDirectoryName(System.IO.Path.GetFullPath(Path))!, "locks",
            new string(name.Select(c => char.IsAsciiLetterOrDigit(c) || c is '-' or '.' or '_' ? c : '_').ToArray()) + ".lock");

    /// <summary>
    /// Opens the existing catalog at <paramref name="path"/>, or at the default location, and applies pending
    /// migrations. It never creates one: a missing file is an error (cause CatalogNotFound), and so is a file that
    /// is empty or not a ClusterBackup catalog (CatalogEmpty, NotACatalog). Warns when the file is on a network
    /// file system. Commands that only read, and every command that needs what a catalog records, open it this way.
    /// </summary>
    /// <param name="path">The catalog file; null for CLUSTERBACKUP_CATALOG or the default location.</param>
    /// <param name="reporter">Receives the network warning and the migrations applied.</param>
    public static CatalogDatabase Open(string? path = null, IOperationReporter? reporter = null) => Open(path, reporter, create: false);

    /// <summary>
    /// As <see cref="Open(string?, IOperationReporter?)"/>, but creates a new catalog when, and only when, no file
    /// exists at the path. The new catalog is built under a temporary name and renamed into place, so a crash never
    /// leaves a half-made catalog; a file that exists but is empty or not a catalog is still an error, never
    /// replaced. Used by the commands that record new history: backups, scheduled job runs, changed-block backups,
    /// adding and importing cartridges.
    /// </summary>
    /// <param name="path">The catalog file; null for CLUSTERBACKUP_CATALOG or the default location.</param>
    /// <param name="reporter">Receives the network warning and the migrations applied.</param>
    public static CatalogDatabase OpenOrCreate(string? path = null, IOperationReporter? reporter = null) => Open(path, reporter, create: true);

    private static CatalogDatabase Open(string? path, IOperationReporter? reporter, bool create)
    {
        var resolved = CatalogLocation.Resolve(path);
        reporter ??= NullOperationReporter.Instance;
        if (Directory.Exists(resolved))
            throw new ClusterBackupException(ErrorKind.InvalidArgument, resolved,
                $"The catalog path '{resolved}' is a folder; pass the catalog's file (for example {System.IO.Path.Combine(resolved, "catalog.db")}).") { Cause = "CatalogPathIsFolder" };
        if (!File.Exists(resolved))
        {
            if (!create)
                throw new ClusterBackupException(ErrorKind.ObjectNotFound, resolved,
                    $"The catalog '{resolved}' does not exist. Pass the catalog file with -CatalogPath (or --catalog) or set {CatalogLocation.EnvironmentVariable}; only a backup creates a new catalog.") { Cause = "CatalogNotFound" };
            CreateNew(resolved, reporter);
        }
        CheckFile(resolved);
        if (CatalogLocation.IsNetworkPath(resolved))
            reporter.Warning($"The catalog '{resolved}' is on a network file system; SQLite locking is not safe there. Keep the catalog on the backup server's local disk.");

        var catalog = new CatalogDatabase(resolved);
        catalog.CheckSchema();
        catalog.Migrate(reporter);
        return catalog;
    }

    /// <summary>
    /// An existing catalog file must not be empty. Only its size is read (a stat, never an open): closing any other
    /// descriptor of a database file releases the POSIX locks SQLite holds on it in this process, after which another
    /// process can checkpoint and remove the WAL under this process's open connections, and their writes are lost.
    /// Whether the file is SQLite at all is left to SQLite itself (<see cref="CheckSchema"/>).
    /// </summary>
    private static void CheckFile(string path)
    {
        long length;
        try
        {
            length = new FileInfo(path).Length;
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
        {
            throw new ClusterBackupException(ErrorKind.ReadError, path, $"Cannot read the catalog '{path}': {ex.Message}", ex) { Cause = "CatalogUnreadable" };
        }
        if (length == 0)
            throw new ClusterBackupException(ErrorKind.InvalidData, path,
                $"The catalog '{path}' is empty (0 bytes): it is not a catalog, and its history is not there. Restore the catalog from its backup, or remove the file to start a new catalog.") { Cause = "CatalogEmpty" };
    }

    /// <summary>A SQLite file is a catalog only when it holds the migration table every catalog starts with.</summary>
    private void CheckSchema()
    {
        // Read-only and without the house pragmas, so a file that is not a catalog is not switched to WAL mode.
        long tables;
        using (var connection = new SqliteConnection(new SqliteConnectionStringBuilder { DataSource = Path, Mode = SqliteOpenMode.ReadOnly, Pooling = false }.ToString()))
        {
            try
            {
                connection.Open();
                tables = Convert.ToInt64(Scalar(connection, "SELECT COUNT(*) FROM sqlite_master WHERE type = 'table' AND name = 'schema_migrations'"));
            }
            catch (SqliteException ex) when (ex.SqliteErrorCode is SqliteNotADatabase or SqliteCorrupt)
            {
                throw new ClusterBackupException(ErrorKind.InvalidData, Path,
                    $"The file '{Path}' is not a catalog: it is not a SQLite database, or it is damaged ({ex.Message}). Pass the catalog file, or restore the catalog from its backup.", ex) { Cause = "NotACatalog" };
            }
            catch (SqliteException ex)
            {
                throw new ClusterBackupException(ErrorKind.ResourceUnavailable, Path, $"Cannot open the catalog '{Path}': {ex.Message}", ex) { Cause = "CatalogUnavailable" };
            }
        }
        if (tables == 0)
            throw new ClusterBackupException(ErrorKind.InvalidData, Path,
                $"The file '{Path}' is a SQLite database but not a ClusterBackup catalog (it has no schema_migrations table). Pass the catalog file, or restore the catalog from its backup.") { Cause = "NotACatalog" };
    }

    /// <summary>Builds a new catalog under a temporary name beside <paramref name="path"/> and renames it into place.</summary>
    private static void CreateNew(string path, IOperationReporter reporter)
    {
        var directory = System.IO.Path.GetDirectoryName(path)!;
        try
        {
            Directory.CreateDirectory(directory);
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
        {
            throw new ClusterBackupException(ErrorKind.PermissionDenied, path,
                $"Cannot create the catalog folder for '{path}': {ex.Message}. Pass -CatalogPath (or --catalog) or set {CatalogLocation.EnvironmentVariable}.", ex) { Cause = "CatalogFolderNotCreated" };
        }
        var temporary = System.IO.Path.Combine(directory, $".{System.IO.Path.GetFileName(path)}.{Guid.NewGuid():N}.new");
        try
        {
            reporter.Verbose($"Creating a new catalog at '{path}'.");
            // Without pooling, the last connection really closes, which checkpoints the WAL into the file before the rename.
            new CatalogDatabase(temporary, pooling: false).Migrate(reporter);
            try
            {
                File.Move(temporary, path, overwrite: false);
            }
            catch (IOException) when (File.Exists(path))
            {
                // Another process created the catalog first: use theirs.
            }
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
        {
            throw new ClusterBackupException(ErrorKind.WriteError, path, $"Cannot create the catalog '{path}': {ex.Message}", ex) { Cause = "CatalogNotCreated" };
        }
        finally
        {
            foreach (var leftover in new[] { temporary, temporary + "-wal", temporary + "-shm", temporary + "-journal" })
            {
                try { File.Delete(leftover); }
                catch (Exception ex) when (ex is IOException or UnauthorizedAccessException) { }
            }
        }
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
        catch (SqliteException ex) when (ex.SqliteErrorCode is SqliteNotADatabase or SqliteCorrupt)
        {
            connection.Dispose();
            throw new ClusterBackupException(ErrorKind.InvalidData, Path, $"The catalog '{Path}' is damaged or not a catalog: {ex.Message}. Restore the catalog from its backup.", ex) { Cause = "NotACatalog" };
        }
        catch (SqliteException ex)
        {
            connection.Dispose();
            throw new ClusterBackupException(ErrorKind.ResourceUnavailable, Path, $"Cannot open the catalog '{Path}': {ex.Message}", ex) { Cause = "CatalogUnavailable" };
        }
    }

    /// <summary>Runs <paramref name="work"/> in one immediate (write-locking) transaction and commits it.</summary>
    public T Write<T>(Func<SqliteConnection, SqliteTransaction, T> work)
    {
        using var connection = OpenConnection();
        using var transaction = connection.BeginTransaction(deferred: false);
        var result = DecodingRows(() => work(connection, transaction));
        transaction.Commit();
        return result;
    }

    public void Write(Action<SqliteConnection, SqliteTransaction> work) => Write<object?>((c, t) => { work(c, t); return null; });

    public T Read<T>(Func<SqliteConnection, T> work)
    {
        using var connection = OpenConnection();
        return DecodingRows(() => work(connection));
    }

    /// <summary>
    /// The repositories decode columns into typed values; a value this version did not write (a damaged or hand-edited
    /// catalog) fails there with a runtime error that names neither the catalog nor the problem. It is reported here,
    /// once for every repository, as damage to this catalog.
    /// </summary>
    private T DecodingRows<T>(Func<T> work)
    {
        try
        {
            return work();
        }
        catch (Exception ex) when (ex is FormatException or InvalidCastException or OverflowException or ArgumentException or Newtonsoft.Json.JsonException
            || (ex is InvalidOperationException && ex.Source == typeof(SqliteConnection).Assembly.GetName().Name))
        {
            throw new ClusterBackupException(ErrorKind.InvalidData, Path,
                $"The catalog '{Path}' holds a value this version cannot read: {ex.Message} The catalog is damaged or was edited by hand; restore it from its backup.", ex)
            { Cause = "CatalogValueUnreadable" };
        }
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
