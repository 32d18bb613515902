using ClusterBackup.Engine.Catalog;
using ClusterBackup.Engine.Common;
using ClusterBackup.Engine.Digest;
using ClusterBackup.Engine.Tape.Agents;
using ClusterBackup.Engine.Tests.Tape;
using CsCheck;
using Microsoft.Data.Sqlite;
using Xunit.Abstractions;

namespace ClusterBackup.Engine.Tests.Fuzzing;

/// <summary>
/// A catalog holding backup sets, media sets, a restore test, a tape session and a changed-block generation, with a
/// few cells of any table overwritten by values of another type or out of range (what a damaged or hand-edited catalog
/// holds). Every repository then reads everything: it reads the rows, or refuses with an error naming the catalog.
/// </summary>
[Trait("Category", "Fuzz")]
public class CatalogRowFuzzTests(ITestOutputHelper output)
{
    private static readonly object?[] Hostile =
    [
        null, "", "x", "not-a-guid", "00000000-0000-0000-0000-000000000000", "9999-99-99T99:99:99Z", "2026-12-03T10:00:00", "{\"a\":1}", "[",
        -1L, 0L, 1L, long.MaxValue, long.MinValue, int.MaxValue + 1L, 1e308, -0.5, new byte[] { 0, 255, 1 }, new string('z', 3000), "Completed", "Full",
    ];

    public readonly record struct CellEdit(uint Table, uint Row, uint Column, int Value);

    [Fact]
    public void Rows()
    {
        using var folder = new TempDirectory("fuzz-catalog");
        var seedPath = folder.Combine("seed.db");
        var (backupSet, store) = Populate(seedPath, folder);
        var tables = Tables(seedPath);
        var edits = Gen.Select(Gen.UInt, Gen.UInt, Gen.UInt, Gen.Int[0, Hostile.Length - 1], (t, r, c, v) => new CellEdit(t, r, c, v)).Array[1, 3];
        // One catalog per thread throughout: each input's cells are written by a side connection and put back after the reads,
        // which is a thousand times faster than a fresh copy per input and reads through the repositories' own pooled connections.
        var next = 0;
        using var mine = new ThreadLocal<Worker>(() => Worker.Open(seedPath, folder.Combine($"worker{Interlocked.Increment(ref next)}.db")), trackAllValues: true);
        FuzzCounts counts;
        try
        {
            counts = FormatFuzzer.Run(output, "catalog rows", edits, cells =>
            {
                var worker = mine.Value!;
                var originals = Edit(worker.Editor, tables, cells);
                try
                {
                    ReadEverything(worker.Catalog, backupSet, store);
                }
                finally
                {
                    Restore(worker.Editor, originals);
                }
            }, _ => mine.Value!.Path, cells => string.Join("; ", cells.Select(c => Describe(tables, c))), FormatFuzzer.Threads);
        }
        finally
        {
            foreach (var worker in mine.Values)
                worker.Editor.Dispose();
        }
        SqliteConnection.ClearAllPools();
        Assert.True(counts.Accepted > 0 && counts.Refused > 0, $"{counts}");
    }

    /// <summary>A thread's own copy of the populated catalog, opened by the product and by a side connection that edits its cells.</summary>
    private sealed record Worker(string Path, CatalogDatabase Catalog, SqliteConnection Editor)
    {
        public static Worker Open(string seedPath, string path)
        {
            File.Copy(seedPath, path);
            var editor = new SqliteConnection($"Data Source={path};Pooling=False");
            editor.Open();
            using (var pragma = editor.CreateCommand())
            {
                pragma.CommandText = "PRAGMA journal_mode=WAL; PRAGMA synchronous=OFF; PRAGMA foreign_keys=ON;";
                pragma.ExecuteNonQuery();
            }
            return new Worker(path, CatalogDatabase.Open(path), editor);
        }
    }

    private static void ReadEverything(CatalogDatabase catalog, Guid backupSet, string store)
    {
        var sets = new BackupSetCatalog(catalog);
        sets.GetBackupSets();
        sets.GetMediaSets();
        var tape = new TapeCatalog(catalog);
        tape.GetPools();
        tape.GetCartridges();
        foreach (var o in tape.GetObjects(includeExpired: true))
            foreach (var copy in o.Copies)
                tape.GetStream(copy.StreamId);
        new RestoreTestCatalog(catalog).ForBackupSet(backupSet);
        new ChangedBlockCatalog(catalog).GetGenerations(store);
        new ScheduleRunHistory(catalog).Runs();
    }

    private static (Guid BackupSet, string Store) Populate(string path, TempDirectory folder)
    {
        var catalog = CatalogDatabase.OpenOrCreate(path);
        var sets = new BackupSetCatalog(catalog);
        var full = sets.RecordCompleted(Set(BackupType.Full, init: true), MediaSet(BackupType.Full));
        sets.RecordCompleted(Set(BackupType.Log, init: true) with { FirstLsn = "0/2000028", LastLsn = "0/3000100", Timeline = "1" }, MediaSet(BackupType.Log));
        sets.MarkVerified(full.BackupSetId, true, DateTimeOffset.UtcNow);
        new RestoreTestCatalog(catalog).Record(new RestoreTest(Guid.NewGuid(), full.BackupSetId, DateTimeOffset.UtcNow, DateTimeOffset.UtcNow, "node1",
            "/scratch/x", true, true, ["none"]));

        using (var kit = new TapeTestKit(drives: 1, cartridges: 1))
        {
            var tape = new TapeCatalog(catalog);
            var allocator = new Engine.Tape.Library.VolumeAllocator(kit.Library, tape, NullOperationReporter.Instance);
            var agent = new BackupMediaAgent("A1", 0, "Daily", 64 * 1024, allocator.For("drive0", "Daily", 64 * 1024));
            var objects = Enumerable.Range(0, 2).Select(i => new ChainedObject(
                new FileObjectSource(kit.SourceFile($"f{i}", 5_000 + i, i), $"f{i}"), [agent])).ToList();
            var written = TapeWriteSession.Run("fuzz", objects, NullOperationReporter.Instance, CancellationToken.None);
            objects.ForEach(o => o.Source.Dispose());
            Assert.Null(written.Error);
            tape.RecordSession(written.ToSessionRecord());
        }

        var store = folder.Combine("store");
        new ChangedBlockCatalog(catalog).Record(new ChangedBlockGeneration
        {
            ChainId = Guid.NewGuid().ToString(), SourcePath = "/dev/loop7", StorePath = store, Generation = 1, Taken = DateTimeOffset.UtcNow,
            SnapshotMethod = SnapshotMethod.Reflink, Algorithm = DigestAlgorithm.Sha256, BlockSize = 4096, DeviceSize = 1 << 20, BlockCount = 256,
            ChangedBlocks = 256, StoredBytes = 1 << 20, DataFile = "g0.cbblocks", DataSha256 = new string('a', 64), MapFile = "g0.cbdigest",
        });
        SqliteConnection.ClearAllPools();
        using (var connection = new SqliteConnection($"Data Source={path};Pooling=False"))
        {
            connection.Open();
            using var checkpoint = connection.CreateCommand();
            checkpoint.CommandText = "PRAGMA wal_checkpoint(TRUNCATE);";
            checkpoint.ExecuteNonQuery();
        }
        return (full.BackupSetId, store);
    }

    private static BackupSet Set(BackupType type, bool init) => new()
    {
        BackupSetId = Guid.NewGuid(), Cluster = "pgcluster", VirtualServer = "PGVS", Node = "node1", Database = "sales", Engine = "PostgreSql",
        Type = type, Initialize = init, MediaSetId = "", Started = DateTimeOffset.UtcNow, Finished = DateTimeOffset.UtcNow,
        SizeBytes = 10, Files = [new BackupFile("/share/PGVS/sales/FULL/a.tar.gz", 10, new string('a', 64))], Status = BackupSetStatus.Completed,
    };

    private static MediaSet MediaSet(BackupType type) =>
        new(Guid.NewGuid().ToString(), "PGVS", "sales", type, "/share/PGVS/sales/" + type, DateTimeOffset.UtcNow, MediaSetStatus.Active);

    /// <summary>Every table but the migration record, with its columns and row count.</summary>
    private static IReadOnlyList<(string Name, string[] Columns, int Rows)> Tables(string path)
    {
        using var connection = new SqliteConnection($"Data Source={path};Pooling=False");
        connection.Open();
        var names = new List<string>();
        using (var list = connection.CreateCommand())
        {
            list.CommandText = "SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite_%' AND name <> 'schema_migrations' ORDER BY name";
            using var reader = list.ExecuteReader();
            while (reader.Read())
                names.Add(reader.GetString(0));
        }
        return names.Select(name =>
        {
            using var info = connection.CreateCommand();
            info.CommandText = $"SELECT name FROM pragma_table_info('{name}')";
            var columns = new List<string>();
            using (var reader = info.ExecuteReader())
                while (reader.Read())
                    columns.Add(reader.GetString(0));
            using var count = connection.CreateCommand();
            count.CommandText = $"SELECT COUNT(*) FROM \"{name}\"";
            return (name, columns.ToArray(), Convert.ToInt32(count.ExecuteScalar()));
        }).Where(t => t.Item3 > 0).ToList();
    }

    /// <summary>Writes the cells in one transaction; returns what they held, last first, to put back.</summary>
    private static List<(string Table, string Column, long RowId, object? Value)> Edit(SqliteConnection connection,
        IReadOnlyList<(string Name, string[] Columns, int Rows)> tables, IEnumerable<CellEdit> cells)
    {
        var originals = new List<(string, string, long, object?)>();
        using var transaction = connection.BeginTransaction();
        foreach (var cell in cells)
        {
            var (table, column, row) = Target(tables, cell);
            using var select = connection.CreateCommand();
            select.Transaction = transaction;
            select.CommandText = $"SELECT rowid, \"{column}\" FROM \"{table}\" ORDER BY rowid LIMIT 1 OFFSET {row}";
            using (var reader = select.ExecuteReader())
            {
                if (!reader.Read())
                    continue;
                originals.Insert(0, (table, column, reader.GetInt64(0), reader.IsDBNull(1) ? null : reader.GetValue(1)));
            }
            using var update = connection.CreateCommand();
            update.Transaction = transaction;
            // Constraints stay on: a value the schema itself refuses is not one a catalog can hold.
            update.CommandText = $"UPDATE OR IGNORE \"{table}\" SET \"{column}\" = $v WHERE rowid = {originals[0].Item3}";
            update.Parameters.AddWithValue("$v", Hostile[cell.Value] ?? DBNull.Value);
            try
            {
                update.ExecuteNonQuery();
            }
            catch (SqliteException)
            {
                // NOT NULL, CHECK and foreign keys refuse some values; the cell keeps its value.
            }
        }
        transaction.Commit();
        return originals;
    }

    private static void Restore(SqliteConnection connection, List<(string Table, string Column, long RowId, object? Value)> originals)
    {
        using var transaction = connection.BeginTransaction();
        foreach (var (table, column, rowId, value) in originals)
        {
            using var update = connection.CreateCommand();
            update.Transaction = transaction;
            update.CommandText = $"UPDATE \"{table}\" SET \"{column}\" = $v WHERE rowid = {rowId}";
            update.Parameters.AddWithValue("$v", value ?? DBNull.Value);
            update.ExecuteNonQuery();
        }
        transaction.Commit();
    }

    private static (string Table, string Column, int Row) Target(IReadOnlyList<(string Name, string[] Columns, int Rows)> tables, CellEdit cell)
    {
        var table = tables[(int)(cell.Table % (uint)tables.Count)];
        return (table.Name, table.Columns[(int)(cell.Column % (uint)table.Columns.Length)], (int)(cell.Row % (uint)table.Rows));
    }

    private static string Describe(IReadOnlyList<(string Name, string[] Columns, int Rows)> tables, CellEdit cell)
    {
        var (table, column, row) = Target(tables, cell);
        var value = Hostile[cell.Value];
        return $"{table}[{row}].{column} = {(value is byte[] b ? "x'" + Convert.ToHexString(b) + "'" : value ?? "NULL")}";
    }
}
