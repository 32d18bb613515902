namespace ClusterBackup.Engine.Catalog;

/// <summary>The restore tests recorded in the catalog (table restore_tests, docs/catalog.md).</summary>
public sealed class RestoreTestCatalog(CatalogDatabase catalog)
{
    /// <summary>Records one test in one transaction.</summary>
    public void Record(RestoreTest test) =>
        catalog.Write((c, t) => CatalogDatabase.Execute(c, t, """
            INSERT INTO restore_tests(test_id, backup_set_id, started_utc, finished_utc, host, scratch_path, succeeded, copy_removed, problems)
            VALUES ($id, $set, $start, $end, $host, $path, $ok, $removed, $problems)
            """,
            ("$id", test.TestId.ToString()), ("$set", test.BackupSetId.ToString()), ("$start", CatalogTime.Format(test.Started)),
            ("$end", CatalogTime.Format(test.Finished)), ("$host", test.Host), ("$path", test.ScratchPath), ("$ok", test.Succeeded ? 1 : 0),
            ("$removed", test.CopyRemoved ? 1 : 0), ("$problems", test.Problems.Count == 0 ? null : string.Join("\n", test.Problems))));

    /// <summary>The tests of one backup set, oldest first.</summary>
    public IReadOnlyList<RestoreTest> ForBackupSet(Guid backupSetId) =>
        catalog.Read(c =>
        {
            using var command = c.CreateCommand();
            command.CommandText = """
                SELECT test_id, backup_set_id, started_utc, finished_utc, host, scratch_path, succeeded, copy_removed, problems
                FROM restore_tests WHERE backup_set_id = $set ORDER BY started_utc
                """;
            command.Parameters.AddWithValue("$set", backupSetId.ToString());
            using var reader = command.ExecuteReader();
            var tests = new List<RestoreTest>();
            while (reader.Read())
                tests.Add(new RestoreTest(Guid.Parse(reader.ReadString(0)), Guid.Parse(reader.ReadString(1)), CatalogTime.Parse(reader.ReadString(2)),
                    CatalogTime.Parse(reader.ReadString(3)), reader.ReadString(4), reader.ReadString(5), reader.ReadInt64(6) != 0, reader.ReadInt64(7) != 0,
                    reader.IsDBNull(8) ? [] : reader.ReadString(8).Split('\n')));
            return tests;
        });
}
